package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  private final Fitter fitter = new Fitter();

  @Test
  void shouldGiveIntervalsComparableToTheJacobianOnAWellIdentifiedLaw() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 30),
            0.02,
            3);
    Fit fit = fitter.fit(Bnsl.powerLawWithFloor(), s);
    Bootstrap.Result boot = new Bootstrap(200, 1).run(fit, s);
    assertThat(boot.resamples()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      Parameter j = fit.parameters().get(i);
      Parameter b = boot.parameters().get(i);
      assertThat(b.value()).isEqualTo(j.value());
      assertThat(b.lower()).isLessThan(b.value());
      assertThat(b.upper()).isGreaterThan(b.value());
      double ratio = (b.upper() - b.lower()) / (j.upper() - j.lower());
      assertThat(ratio).as("bootstrap / Jacobian width of %s", j.name()).isBetween(0.5, 2.0);
    }
    Band far = boot.band(1e10);
    assertThat(far.lower()).isLessThan(far.meanLower());
    assertThat(far.meanLower()).isLessThanOrEqualTo(far.y());
    assertThat(far.y()).isLessThanOrEqualTo(far.meanUpper());
  }

  @Test
  void shouldBeDeterministicForASeed() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLaw(), new double[] {10, 0.5}, Synthetic.logspace(1, 1e4, 15), 0.05, 2);
    Fit fit = fitter.fit(Bnsl.powerLaw(), s);
    assertThat(new Bootstrap(50, 9).run(fit, s).parameters())
        .isEqualTo(new Bootstrap(50, 9).run(fit, s).parameters());
  }

  @Test
  void shouldRefuseASeriesOtherThanTheFittedOne() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLaw(), new double[] {10, 0.5}, Synthetic.logspace(1, 1e4, 15), 0.05, 2);
    Fit fit = fitter.fit(Bnsl.powerLaw(), s);
    assertThatThrownBy(() -> new Bootstrap(50, 1).run(fit, s.head(10)))
        .hasMessageContaining("bootstrap needs the series the fit was made on: 10 points");
    assertThatThrownBy(() -> new Bootstrap(5, 1))
        .hasMessageContaining("bootstrap.resamples must be in 20..100000: 5");
  }
}
