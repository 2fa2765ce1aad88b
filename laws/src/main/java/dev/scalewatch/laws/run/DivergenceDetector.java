package dev.scalewatch.laws.run;

/**
 * Detects divergence: the first NaN or infinite loss, or a sustained rise where, over the last
 * {@code window} points, at least {@code risingFraction} of the steps go up and the last value is
 * at least {@code minRise} times the best value before the window.
 *
 * <p>Immutable and thread-safe.
 */
public final class DivergenceDetector {

  private final int window;
  private final double risingFraction;
  private final double minRise;

  /**
   * A detector.
   *
   * @param window points in the rising window, >= 3
   * @param risingFraction fraction of rising steps required, in (0.5, 1]
   * @param minRise factor over the best value before the window, > 1
   * @throws IllegalArgumentException if a setting is out of range
   */
  public DivergenceDetector(int window, double risingFraction, double minRise) {
    if (window < 3) {
      throw new IllegalArgumentException("divergence.window must be >= 3: " + window);
    }
    if (!(risingFraction > 0.5 && risingFraction <= 1)) {
      throw new IllegalArgumentException(
          "divergence.risingFraction must be in (0.5, 1]: " + risingFraction);
    }
    if (!(minRise > 1)) {
      throw new IllegalArgumentException("divergence.minRise must be > 1: " + minRise);
    }
    this.window = window;
    this.risingFraction = risingFraction;
    this.minRise = minRise;
  }

  /** Defaults: window 10, 80% rising, 1.5x the best value. */
  public static DivergenceDetector defaults() {
    return new DivergenceDetector(10, 0.8, 1.5);
  }

  /**
   * Checks a run's loss series.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public Divergence detect(double[] steps, double[] losses) {
    RunSeries.requireSameLength(steps, losses);
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < losses.length; i++) {
      if (!Double.isFinite(losses[i])) {
        return new Divergence(Divergence.Kind.NON_FINITE, steps[i], losses[i], best, Double.NaN);
      }
      best = Math.min(best, losses[i]);
    }
    int n = losses.length;
    if (n < window + 1) {
      return new Divergence(Divergence.Kind.NONE, Double.NaN, Double.NaN, best, Double.NaN);
    }
    double bestBefore = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= n - window; i++) {
      bestBefore = Math.min(bestBefore, losses[i]);
    }
    int rising = 0;
    for (int i = n - window; i < n - 1; i++) {
      rising += losses[i + 1] > losses[i] ? 1 : 0;
    }
    double fraction = rising / (double) (window - 1);
    if (fraction >= risingFraction && losses[n - 1] >= minRise * bestBefore) {
      return new Divergence(
          Divergence.Kind.SUSTAINED_RISE, steps[n - window], losses[n - 1], bestBefore, fraction);
    }
    return new Divergence(Divergence.Kind.NONE, Double.NaN, Double.NaN, best, fraction);
  }
}
