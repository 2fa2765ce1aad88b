package dev.scalewatch.laws.detect;

/**
 * The scale needed to reach a target metric value, with an interval.
 *
 * @param target the target (fitted orientation: lower is better)
 * @param status whether and how the target is reached
 * @param x the scale at which the fitted law reaches the target (NaN when unreachable)
 * @param lower the scale at which the optimistic edge of the law's confidence band reaches it
 * @param upper the scale at which the pessimistic edge reaches it (+infinity if never within the
 *     search range)
 * @param reason a sentence explaining the status
 */
public record InverseForecast(
    double target, Status status, double x, double lower, double upper, String reason) {

  /** Outcome of an inverse forecast. */
  public enum Status {
    /** The law reaches the target beyond the largest x seen. */
    FORECAST,
    /** The law is already at or below the target within the x range seen. */
    ALREADY_REACHED,
    /** The law never reaches the target (e.g. it is below the floor a). */
    UNREACHABLE
  }
}
