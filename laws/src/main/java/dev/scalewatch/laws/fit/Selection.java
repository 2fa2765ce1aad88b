package dev.scalewatch.laws.fit;

import java.util.List;

/**
 * The outcome of choosing the number of breaks, with the evidence.
 *
 * @param chosen the candidate chosen
 * @param candidates every candidate tried, by number of breaks
 * @param decidedBy which criterion decided
 * @param holdout number of largest-x points held out for the out-of-sample error
 * @param aiccMargin AICc of the best other supported candidate minus the chosen one's (positive:
 *     the chosen is also better by AICc; negative: it was chosen on out-of-sample error or
 *     parsimony despite AICc)
 * @param holdoutRatio the best other supported candidate's holdout RMSLE divided by the chosen
 *     one's (> 1: the chosen extrapolates better)
 */
public record Selection(
    Candidate chosen,
    List<Candidate> candidates,
    Criterion decidedBy,
    int holdout,
    double aiccMargin,
    double holdoutRatio) {

  /** Which criterion decided the selection. */
  public enum Criterion {
    /** Lowest out-of-sample error and lowest AICc agree. */
    BOTH,
    /** Out-of-sample error ruled out the AICc winner. */
    HOLDOUT,
    /** Several candidates extrapolated about equally well; the lowest AICc among them won. */
    AICC,
    /** Too few points to hold any out; AICc alone. */
    AICC_ONLY,
    /** No other candidate was supported: each has a slope change within its interval of 0. */
    ONLY_SUPPORTED
  }

  /** The chosen fit. */
  public Fit fit() {
    return chosen.fit();
  }

  /** Creates the record with an unmodifiable candidate list. */
  public Selection {
    candidates = List.copyOf(candidates);
  }
}
