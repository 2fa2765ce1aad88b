package dev.scalewatch.laws.fit;

/**
 * One number of breaks tried by {@link Selector}.
 *
 * @param breaks the number of breaks
 * @param fit the fit on all points
 * @param aicc small-sample corrected Akaike information criterion of {@code fit} (lower is better)
 * @param holdoutRmsle RMSLE on the held-out largest-x points of a fit made without them (NaN when
 *     too few points remain to fit this form without them)
 * @param supported whether every break's slope-change interval excludes zero (a fit whose breaks
 *     cancel or vanish within their uncertainty is not eligible)
 */
public record Candidate(int breaks, Fit fit, double aicc, double holdoutRmsle, boolean supported) {}
