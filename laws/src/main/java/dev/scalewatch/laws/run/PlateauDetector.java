package dev.scalewatch.laws.run;

/**
 * Detects a plateau of a lower-is-better metric over steps: a straight line through {@code ln
 * value} against {@code ln step} over the last {@code window} points improves the metric by less
 * than {@code minImprovement} (relative) across the window.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlateauDetector {

  private final int window;
  private final double minImprovement;

  /**
   * A detector.
   *
   * @param window points examined, >= 4
   * @param minImprovement relative improvement across the window below which it is a plateau, in
   *     (0, 1)
   * @throws IllegalArgumentException if a setting is out of range
   */
  public PlateauDetector(int window, double minImprovement) {
    if (window < 4) {
      throw new IllegalArgumentException("plateau.window must be >= 4: " + window);
    }
    if (!(minImprovement > 0 && minImprovement < 1)) {
      throw new IllegalArgumentException(
          "plateau.minImprovement must be in (0, 1): " + minImprovement);
    }
    this.window = window;
    this.minImprovement = minImprovement;
  }

  /** Defaults: the last 20 points, 1% improvement. */
  public static PlateauDetector defaults() {
    return new PlateauDetector(20, 0.01);
  }

  /**
   * Examines the last window of positive, finite points.
   *
   * @param steps positive steps, increasing
   * @param values positive metric values
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public Plateau detect(double[] steps, double[] values) {
    RunSeries.requireSameLength(steps, values);
    double[] u = new double[window];
    double[] v = new double[window];
    double[] s = new double[window];
    int m = 0;
    for (int i = values.length - 1; i >= 0 && m < window; i--) {
      if (steps[i] > 0 && values[i] > 0 && Double.isFinite(values[i])) {
        u[m] = Math.log(steps[i]);
        v[m] = Math.log(values[i]);
        s[m] = steps[i];
        m++;
      }
    }
    if (m < window) {
      return new Plateau(false, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mu = 0;
    double mv = 0;
    for (int i = 0; i < m; i++) {
      mu += u[i] / m;
      mv += v[i] / m;
    }
    double suv = 0;
    double suu = 0;
    for (int i = 0; i < m; i++) {
      suv += (u[i] - mu) * (v[i] - mv);
      suu += (u[i] - mu) * (u[i] - mu);
    }
    double slope = suu > 0 ? suv / suu : 0;
    double uFrom = u[m - 1];
    double uTo = u[0];
    double change = 1 - Math.exp(slope * (uTo - uFrom));
    return new Plateau(change < minImprovement, s[m - 1], s[0], slope, change);
  }
}
