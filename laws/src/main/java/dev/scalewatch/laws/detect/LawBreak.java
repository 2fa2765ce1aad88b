package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Band;
import java.util.List;

/**
 * Whether new points still follow a previous fit.
 *
 * @param broken whether at least {@code minOutside} new points fell outside the prediction band
 * @param deviations every new point with its band, in x order
 * @param outside how many new points fell outside
 * @param level the band's confidence level
 */
public record LawBreak(boolean broken, List<Deviation> deviations, int outside, double level) {

  /** Creates the record with an unmodifiable list. */
  public LawBreak {
    deviations = List.copyOf(deviations);
  }

  /**
   * One new point against the previous fit.
   *
   * @param x scale
   * @param observed observed metric (fitted orientation)
   * @param band the previous fit's prediction and band at x
   * @param logResidual {@code ln(observed / predicted)}
   * @param outside whether {@code observed} lies outside the prediction band
   */
  public record Deviation(
      double x, double observed, Band band, double logResidual, boolean outside) {}
}
