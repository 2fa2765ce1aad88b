package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.fit.SigmoidFit;
import dev.scalewatch.laws.fit.SigmoidFitter;

/**
 * Evidence of emergence on a bounded higher-is-better metric across scale: near its floor over
 * several scales, then a sharp rise between two consecutive scales.
 *
 * @param emergent whether the pattern was found
 * @param xBefore the last scale near the floor (NaN when not emergent)
 * @param xAfter the first scale after the jump (NaN when not emergent)
 * @param floor the floor level: the lowest value before the jump (or overall)
 * @param spreadBefore largest distance from the floor among the points before the jump
 * @param jump the rise between {@code xBefore} and {@code xAfter}
 * @param jumpPerDecade the rise per decade of x
 * @param largestEarlierStep the largest absolute change between consecutive earlier scales
 * @param peakAfter the highest value at or after {@code xAfter}
 * @param fallsBack whether a later scale falls back from the peak by at least the minimum jump
 * @param reason a sentence saying why the pattern was or was not found
 * @param jumpAt where the jump is: the midpoint of a sigmoid fitted to the scales up to the peak,
 *     with its profile interval; with fewer than 4 such scales the interval from {@code xBefore} to
 *     {@code xAfter}; NaN when not emergent or not asked for (see {@link
 *     EmergenceDetector#detect(double[], double[], SigmoidFitter)})
 * @param sigmoid that sigmoid fit, to predict the next scale with a band and to tell whether a
 *     later point broke it; null without one
 */
public record Emergence(
    boolean emergent,
    double xBefore,
    double xAfter,
    double floor,
    double spreadBefore,
    double jump,
    double jumpPerDecade,
    double largestEarlierStep,
    double peakAfter,
    boolean fallsBack,
    String reason,
    Parameter jumpAt,
    SigmoidFit sigmoid) {

  /** An interval that is not known. */
  static final Parameter UNKNOWN = new Parameter("xMid", Double.NaN, Double.NaN, Double.NaN);

  /** This result with the jump between the two scales around it (geometric midpoint), no fit. */
  Emergence withJumpBetweenScales() {
    return withJump(new Parameter("xMid", Math.sqrt(xBefore * xAfter), xBefore, xAfter), null);
  }

  /** This result with the sigmoid fit and where it puts the jump. */
  Emergence withSigmoid(SigmoidFit fit) {
    return withJump(fit.midpoint(), fit);
  }

  private Emergence withJump(Parameter at, SigmoidFit fit) {
    return new Emergence(
        emergent,
        xBefore,
        xAfter,
        floor,
        spreadBefore,
        jump,
        jumpPerDecade,
        largestEarlierStep,
        peakAfter,
        fallsBack,
        reason,
        at,
        fit);
  }
}
