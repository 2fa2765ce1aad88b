package dev.scalewatch.laws.run;

/**
 * Whether a run's loss diverged, with the evidence.
 *
 * @param kind none, a non-finite value, or a sustained rise
 * @param step step where it was detected (the first non-finite point, or the start of the rising
 *     window); NaN for none
 * @param value the offending value (NaN, infinity, or the last value of the rise)
 * @param bestSoFar lowest finite value before {@code step}
 * @param risingFraction fraction of increasing consecutive steps in the last window
 */
public record Divergence(
    Kind kind, double step, double value, double bestSoFar, double risingFraction) {

  /** Kind of divergence. */
  public enum Kind {
    NONE,
    NON_FINITE,
    SUSTAINED_RISE
  }

  /** Whether the run diverged. */
  public boolean diverged() {
    return kind != Kind.NONE;
  }
}
