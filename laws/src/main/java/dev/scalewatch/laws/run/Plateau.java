package dev.scalewatch.laws.run;

/**
 * Whether a run's metric stopped improving, with the evidence.
 *
 * @param plateaued whether the last window improved less than the threshold
 * @param fromStep first step of the window examined
 * @param toStep last step of the window examined
 * @param slope log-log slope of the metric against step over the window (negative: improving)
 * @param relativeChange relative improvement over the window along the fitted line
 */
public record Plateau(
    boolean plateaued, double fromStep, double toStep, double slope, double relativeChange) {}
