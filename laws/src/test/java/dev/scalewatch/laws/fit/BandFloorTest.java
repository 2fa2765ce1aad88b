package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import org.junit.jupiter.api.Test;

/** The floor under band widths: the fit's own numerical error and the data's stated stderr. */
class BandFloorTest {

  private final Fitter fitter = new Fitter();

  /**
   * Issue 9: bands shrank to zero width on noiseless data, so a near-perfect extrapolation read as
   * thousands of points outside the band.
   */
  @Test
  void issue9ShouldKeepANearPerfectNoiselessExtrapolationInsideTheBand() {
    Series all = SelectorTest.example();
    for (int split : new int[] {600, 1000, 2000}) {
      Fit fit = fitter.fit(Bnsl.withBreaks(1), all.head(split));
      Series held = all.slice(split, all.size());
      int outside = 0;
      for (int i = 0; i < held.size(); i++) {
        outside += fit.band(held.x(i)).contains(held.y(i)) ? 0 : 1;
      }
      assertThat(fit.rmsle(held)).as("extrapolation RMSLE at split %d", split).isLessThan(1e-9);
      assertThat(outside).as("held-out points outside the band at split %d", split).isZero();
      assertThat(fit.sigma()).isLessThan(Fit.NUMERICAL_RMSLE);
      assertThat(fit.bandSigma()).isEqualTo(Fit.NUMERICAL_RMSLE);
      Band far = fit.band(4095);
      assertThat(Math.log(far.upper() / far.y()))
          .isGreaterThanOrEqualTo(fit.quantile() * Fit.NUMERICAL_RMSLE);
    }
  }

  @Test
  void shouldNotNarrowTheBandBelowTheDataStatedStderr() {
    double[] x = Synthetic.logspace(1e3, 1e8, 20);
    Series exact = Synthetic.sample(Bnsl.powerLawWithFloor(), new double[] {1.5, 20, 0.3}, x, 0, 1);
    double[] y = exact.ys();
    double[] stderr = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      stderr[i] = 0.02 * y[i];
    }
    Fit fit = fitter.fit(Bnsl.powerLawWithFloor(), Series.withStderr(x, y, stderr));
    assertThat(fit.sigma()).isLessThan(1e-6);
    assertThat(fit.bandSigma()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-9));
    Band inside = fit.band(1e5);
    assertThat(Math.log(inside.upper() / inside.y()))
        .as("half-width of the prediction band at an observed x")
        .isGreaterThanOrEqualTo(fit.quantile() * 0.02);
    Fit without = fitter.fit(Bnsl.powerLawWithFloor(), exact);
    assertThat(Math.log(without.band(1e5).upper() / without.band(1e5).y()))
        .as("without stated stderr only the numerical floor remains")
        .isLessThan(1e-6);
  }
}
