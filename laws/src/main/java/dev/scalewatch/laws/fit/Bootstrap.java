package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Residual bootstrap intervals, the slower alternative to the Jacobian intervals of {@link Fit}:
 * the fit's log residuals (inflated by {@code sqrt(n / (n - k))}) are resampled onto its
 * predictions, each resample is refitted by Levenberg-Marquardt from the fit's optimum, and
 * intervals are the percentiles of the refitted parameters and predictions.
 *
 * <p>Costs {@code resamples} local refits (about 20 ms for 200 resamples of a 1-break fit on 50
 * points), so it suits one-off fits (the CLI, reports) rather than every stream update.
 * Deterministic for a given seed. Immutable and thread-safe.
 */
public final class Bootstrap {

  private static final int ITERATIONS = 50;

  private final int resamples;
  private final long seed;

  /**
   * A bootstrap.
   *
   * @param resamples number of resamples, 20..100000
   * @param seed seed of the resampling
   * @throws IllegalArgumentException if {@code resamples} is out of range
   */
  public Bootstrap(int resamples, long seed) {
    if (resamples < 20 || resamples > 100_000) {
      throw new IllegalArgumentException(
          "bootstrap.resamples must be in 20..100000: " + resamples + " (200 is typical)");
    }
    this.resamples = resamples;
    this.seed = seed;
  }

  /** The resampled fits of one bootstrap, with percentile intervals. */
  public static final class Result {
    private final Fit fit;
    private final double[][] thetas;
    private final List<Parameter> parameters;

    private Result(Fit fit, double[][] thetas) {
      this.fit = fit;
      this.thetas = thetas;
      List<Parameter> out = new ArrayList<>();
      List<String> names = fit.form().parameterNames();
      double lo = (1 - fit.level()) / 2;
      for (int k = 0; k < names.size(); k++) {
        double[] v = new double[thetas.length];
        for (int b = 0; b < thetas.length; b++) {
          v[b] = thetas[b][k];
        }
        Arrays.sort(v);
        double value = fit.parameters().get(k).value();
        double a = quantile(v, lo);
        double c = quantile(v, 1 - lo);
        if (fit.form().isLogScaled(k)) {
          a = Math.exp(a);
          c = Math.exp(c);
        }
        out.add(new Parameter(names.get(k), value, a, c));
      }
      this.parameters = List.copyOf(out);
    }

    /** Parameters with percentile intervals at the fit's level (point estimates from the fit). */
    public List<Parameter> parameters() {
      return parameters;
    }

    /** Number of resamples that were refitted. */
    public int resamples() {
      return thetas.length;
    }

    /**
     * Prediction at single-input {@code x}: the fit's prediction, the percentile band of the
     * resampled laws as the mean band, widened by the fit's residual scatter as the prediction
     * band.
     */
    public Band band(double x) {
      double[] v = new double[thetas.length];
      double t = Math.log(x);
      for (int b = 0; b < thetas.length; b++) {
        v[b] = fit.form().logValue(thetas[b], t, 0.0, null);
      }
      Arrays.sort(v);
      double lo = (1 - fit.level()) / 2;
      double ly = Math.log(fit.predict(x));
      double meanLo = Math.min(ly, quantile(v, lo));
      double meanHi = Math.max(ly, quantile(v, 1 - lo));
      double noise = fit.quantile() * fit.bandSigma();
      double down = Math.hypot(ly - meanLo, noise);
      double up = Math.hypot(meanHi - ly, noise);
      return new Band(
          x,
          Math.exp(ly),
          Math.exp(meanLo),
          Math.exp(meanHi),
          Math.exp(ly - down),
          Math.exp(ly + up),
          x > fit.xMax());
    }

    private static double quantile(double[] sorted, double p) {
      double pos = p * (sorted.length - 1);
      int i = (int) Math.floor(pos);
      int j = Math.min(i + 1, sorted.length - 1);
      return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
  }

  /**
   * Bootstraps {@code fit}, which must have been made on {@code series}.
   *
   * @throws IllegalArgumentException if the series does not have the fit's number of points
   */
  public Result run(Fit fit, Series series) {
    int n = series.size();
    if (n != fit.points()) {
      throw new IllegalArgumentException(
          "bootstrap needs the series the fit was made on: "
              + n
              + " points, the fit has "
              + fit.points());
    }
    double[] theta = fit.internalParameters();
    int k = theta.length;
    double[] logPred = new double[n];
    double[] resid = new double[n];
    double inflate = Math.sqrt(n / (double) Math.max(1, n - k));
    for (int i = 0; i < n; i++) {
      logPred[i] = Math.log(fit.predict(series.x(i), series.x2(i)));
      resid[i] = (Math.log(series.y(i)) - logPred[i]) * inflate;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[][] thetas = new double[resamples][];
    double[] xs = series.xs();
    double[] x2 = new double[n];
    double[] se = new double[n];
    for (int i = 0; i < n; i++) {
      x2[i] = series.x2(i);
      se[i] = series.stderr(i);
    }
    for (int b = 0; b < resamples; b++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = Math.exp(logPred[i] + resid[random.nextInt(n)]);
      }
      Series resampled =
          series.hasSecondInput()
              ? Series.twoInputs(xs, x2, y)
              : series.hasStderr() ? Series.withStderr(xs, y, se) : Series.of(xs, y);
      Problem p = Problem.of(fit.form(), resampled);
      thetas[b] = Fitter.canonical(fit.form(), new Refiner(p).refine(theta, ITERATIONS).theta());
    }
    return new Result(fit, thetas);
  }
}
