package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import java.util.Random;

/** Inputs of the benchmarks: a noisy 1-break BNSL sampled log-uniformly, deterministic. */
final class BenchmarkData {

  /** a, b, c0, c1, d1, f1 of the curve sampled. */
  static final double[] ONE_BREAK = {0.2, 5, 0.1, 0.6, 1e4, 0.2};

  private BenchmarkData() {}

  /** {@code n} points over x = 10 .. 1e7 with 1% multiplicative noise. */
  static Series oneBreak(int n, long seed) {
    Bnsl form = Bnsl.withBreaks(1);
    double[] theta = form.toInternal(ONE_BREAK);
    Random r = new Random(seed);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 10 * Math.pow(1e6, i / (double) (n - 1));
      y[i] = form.value(theta, x[i]) * Math.exp(0.01 * r.nextGaussian());
    }
    return Series.of(x, y);
  }
}
