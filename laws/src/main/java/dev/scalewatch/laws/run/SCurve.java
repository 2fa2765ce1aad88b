package dev.scalewatch.laws.run;

/**
 * Evidence of an S-curve of a higher-is-better eval metric over steps: {@code y = low + (high -
 * low) * sigmoid((ln step - ln midpoint) / width)}.
 *
 * @param found whether the S-curve criteria hold
 * @param low fitted level before the rise
 * @param high fitted level after the rise
 * @param midpointStep step of half the rise
 * @param widthDecades decades of steps from 10% to 90% of the rise
 * @param pointsBefore points before the 10% step
 * @param pointsAfter points after the 90% step
 * @param rssRatio residual sum of squares of the S-curve divided by that of a straight line in ln
 *     step (small: the S-curve explains the data much better)
 * @param reason a sentence saying why the criteria held or not
 */
public record SCurve(
    boolean found,
    double low,
    double high,
    double midpointStep,
    double widthDecades,
    int pointsBefore,
    int pointsAfter,
    double rssRatio,
    String reason) {}
