package dev.scalewatch.laws.fit;

import java.util.List;

/**
 * The outcome of choosing the number of breaks, with the evidence.
 *
 * @param chosen the candidate chosen
 * @param candidates every candidate tried, by number of breaks, including failed and unsupported
 *     ones (see {@link Candidate#reason()})
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
    /** The lowest holdout error won although another candidate had a lower AICc. */
    HOLDOUT,
    /** The lowest AICc won although another candidate had a lower holdout error. */
    AICC,
    /**
     * Neither criterion alone picked it: their sum (AICc plus holdout deviance) did, or a candidate
     * with more breaks did not lower the sum by enough to replace it.
     */
    COMBINED,
    /** Too few points to hold any out; AICc alone. */
    AICC_ONLY,
    /**
     * No other candidate was eligible: each failed, has a slope change within its interval of 0 or
     * a degenerate break, or had too few points to be fitted without the held-out ones.
     */
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
