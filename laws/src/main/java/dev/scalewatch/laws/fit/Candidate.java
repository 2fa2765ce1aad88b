package dev.scalewatch.laws.fit;

/**
 * One number of breaks tried by {@link Selector}.
 *
 * @param breaks the number of breaks
 * @param fit the fit on all points, or null when the fit failed or was not needed (see {@code
 *     reason})
 * @param aicc small-sample corrected Akaike information criterion of {@code fit} (lower is better;
 *     NaN when the fit failed)
 * @param holdoutRmsle RMSLE on the held-out largest-x points of a fit made without them (NaN when
 *     too few points remain to fit this form without them, or the fit failed)
 * @param score the combined criterion the selection compares: AICc plus the holdout deviance {@code
 *     h ln(holdoutRmsle^2)} (lower is better; NaN when not eligible)
 * @param supported whether the candidate may be chosen: it was fitted, every break's slope-change
 *     interval excludes zero, and no break's sharpness or location sits at its bound
 * @param reason why the candidate is not supported or failed; empty when it is supported
 */
public record Candidate(
    int breaks,
    Fit fit,
    double aicc,
    double holdoutRmsle,
    double score,
    boolean supported,
    String reason) {

  /**
   * A candidate without a combined score or reason (supported, or unsupported for no stated
   * reason).
   */
  public Candidate(int breaks, Fit fit, double aicc, double holdoutRmsle, boolean supported) {
    this(breaks, fit, aicc, holdoutRmsle, Double.NaN, supported, "");
  }

  /**
   * Whether this candidate has no fit: fitting it failed, or it was not needed because a candidate
   * with fewer breaks is already exact ({@link #reason()} says which).
   */
  public boolean failed() {
    return fit == null;
  }
}
