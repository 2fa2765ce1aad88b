package dev.scalewatch.laws;

/**
 * How a metric is oriented and bounded, and how it maps to the fitted quantity that falls with
 * scale: lower-is-better metrics are fitted as they are; bounded higher-is-better metrics (accuracy
 * in [0, 1]) are fitted as error {@code bound - y}.
 *
 * @param direction which way is better
 * @param bound the best possible value of a bounded higher-is-better metric (1 for accuracy, 100
 *     for BLEU in percent); NaN when unbounded
 */
public record Metric(Direction direction, double bound) {

  /** Which way a metric improves. */
  public enum Direction {
    LOWER_IS_BETTER,
    HIGHER_IS_BETTER
  }

  /**
   * Validates the combination.
   *
   * @throws IllegalArgumentException if a higher-is-better metric has no finite bound
   */
  public Metric {
    if (direction == null) {
      throw new IllegalArgumentException("metric.direction must be set");
    }
    if (direction == Direction.HIGHER_IS_BETTER && !Double.isFinite(bound)) {
      throw new IllegalArgumentException(
          "metric.bound must be finite for a higher-is-better metric: "
              + bound
              + " (use 1 for accuracy, 100 for percentages)");
    }
  }

  /** A loss-like metric: lower is better, fitted as is. */
  public static Metric lowerIsBetter() {
    return new Metric(Direction.LOWER_IS_BETTER, Double.NaN);
  }

  /** A score in {@code [0, bound]}: higher is better, fitted as {@code bound - y}. */
  public static Metric higherIsBetter(double bound) {
    return new Metric(Direction.HIGHER_IS_BETTER, bound);
  }

  /** The fitted quantity for an observed value. */
  public double toFitted(double observed) {
    return direction == Direction.LOWER_IS_BETTER ? observed : bound - observed;
  }

  /**
   * The observed value for a fitted quantity (inverse of {@link #toFitted}). A higher-is-better
   * score never goes below 0, so an error band wider than the bound (the log-space band of a far
   * extrapolation) maps to a score band that stops at 0 instead of going negative.
   */
  public double toObserved(double fitted) {
    return direction == Direction.LOWER_IS_BETTER ? fitted : Math.max(0, bound - fitted);
  }
}
