package dev.scalewatch.laws.run;

/**
 * A jump of a loss curve above its recent baseline.
 *
 * @param kind spike or one-step blip
 * @param step step of the first elevated point
 * @param peak highest value during the event
 * @param baseline median of the preceding window
 * @param ratio {@code peak / baseline}
 * @param elevatedPoints number of consecutive points above the recovery level
 * @param recoveredAtStep first step back at or below the recovery level (NaN if not recovered)
 */
public record LossEvent(
    Kind kind,
    double step,
    double peak,
    double baseline,
    double ratio,
    int elevatedPoints,
    double recoveredAtStep) {

  /** What kind of event. */
  public enum Kind {
    /** A single point far above its neighbours (e.g. a bad batch): not an instability. */
    BLIP,
    /** Elevated over several points, then back to the baseline. */
    SPIKE,
    /** Elevated until the end of the series: not recovered (yet). */
    SPIKE_UNRECOVERED
  }
}
