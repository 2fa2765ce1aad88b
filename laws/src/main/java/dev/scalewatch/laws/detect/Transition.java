package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Parameter;

/**
 * Evidence about one break of a fitted BNSL, relative to the points seen.
 *
 * @param index break number, 1-based
 * @param phase where the points stand relative to the break's transition region
 * @param location {@code d_i}, the x where half of the slope change has happened, with interval
 * @param sharpness {@code f_i} (smaller is sharper), with interval
 * @param slopeChange {@code c_i}, the change of log-log slope (negative bends upward), with its
 *     interval
 * @param onset x where 10% of the slope change has happened, with interval
 * @param end x where 90% of the slope change has happened, with interval
 * @param pointsBeforeOnset points with x below the onset
 * @param pointsAfterOnset points with x above the onset
 * @param pointsAfterEnd points with x above the end
 * @param significant whether the slope-change interval excludes zero
 */
public record Transition(
    int index,
    Phase phase,
    Parameter location,
    Parameter sharpness,
    Parameter slopeChange,
    Parameter onset,
    Parameter end,
    int pointsBeforeOnset,
    int pointsAfterOnset,
    int pointsAfterEnd,
    boolean significant) {

  /** Where the points stand relative to a break. */
  public enum Phase {
    /** No point past the onset yet: the break is a forecast without evidence. */
    AHEAD,
    /** Points on both sides of the onset, none past the end: the transition is underway. */
    UNDERWAY,
    /** Points before the onset and past the end: the transition is complete. */
    COMPLETE,
    /** No point before the onset: the data start inside or after the transition. */
    NO_POINTS_BEFORE
  }

  /** True when points lie on both sides of the onset (the transition is or was observed). */
  public boolean observed() {
    return pointsBeforeOnset > 0 && pointsAfterOnset > 0;
  }
}
