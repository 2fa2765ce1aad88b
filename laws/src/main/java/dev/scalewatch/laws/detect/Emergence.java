package dev.scalewatch.laws.detect;

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
    String reason) {}
