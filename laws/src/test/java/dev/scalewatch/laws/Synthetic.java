package dev.scalewatch.laws;

import dev.scalewatch.laws.form.Form;
import java.util.Random;

/** Test data generated from known laws, with deterministic multiplicative noise. */
public final class Synthetic {

  private Synthetic() {}

  /** {@code n} points log-spaced from {@code from} to {@code to}. */
  public static double[] logspace(double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from * Math.pow(to / from, i / (double) (n - 1));
    }
    return x;
  }

  /**
   * Chinchilla losses on a grid of {@code n} model sizes by {@code n} token counts, times {@code
   * exp(N(0, sigma))}.
   */
  public static Series chinchillaGrid(double[] natural, int n, double sigma, long seed) {
    Form form = new dev.scalewatch.laws.form.Chinchilla();
    double[] theta = form.toInternal(natural);
    double[] sizes = logspace(1e7, 1e10, n);
    double[] tokens = logspace(1e9, 1e12, n);
    double[] x = new double[n * n];
    double[] x2 = new double[n * n];
    double[] y = new double[n * n];
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int k = i * n + j;
        x[k] = sizes[i];
        x2[k] = tokens[j];
        y[k] =
            Math.exp(
                form.logValue(theta, Math.log(x[k]), Math.log(x2[k]), null)
                    + sigma * r.nextGaussian());
      }
    }
    return Series.twoInputs(x, x2, y);
  }

  /** A single-input form with natural parameters at {@code xs}, times {@code exp(N(0, sigma))}. */
  public static Series sample(Form form, double[] natural, double[] xs, double sigma, long seed) {
    double[] theta = form.toInternal(natural);
    Random r = new Random(seed);
    double[] y = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      y[i] = form.value(theta, xs[i]) * Math.exp(sigma * r.nextGaussian());
    }
    return Series.of(xs, y);
  }
}
