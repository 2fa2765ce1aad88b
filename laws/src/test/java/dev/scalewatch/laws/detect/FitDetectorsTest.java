package dev.scalewatch.laws.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.form.Bnsl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Detectors that read a fit: transitions, inflections ahead, broken laws, inverse forecasts. */
class FitDetectorsTest {

  private static final double[] SHARP = {0.01, 5, 0.1, 2.0, 1e4, 0.1};
  private final Fitter fitter = new Fitter();

  @Test
  void shouldReportATransitionUnderwayWithIntervalsWhenPointsStraddleTheOnset() {
    // Points up to 1.2e4: past the onset (~8e3) but not past the end (~1.25e4).
    Series s = sharpBreakUpTo(1.2e4);
    Fit fit = fitter.fit(Bnsl.withBreaks(1), s);
    List<Transition> transitions = TransitionDetector.detect(fit, s.xs());
    assertThat(transitions).hasSize(1);
    Transition t = transitions.get(0);
    assertThat(t.phase()).isEqualTo(Transition.Phase.UNDERWAY);
    assertThat(t.observed()).isTrue();
    assertThat(t.significant()).isTrue();
    assertThat(t.location().value()).isCloseTo(1e4, within(1.5e3));
    assertThat(t.location().lower()).isLessThan(t.location().value());
    assertThat(t.onset().value()).isLessThan(t.location().value()).isLessThan(t.end().value());
    assertThat(t.slopeChange().value()).isCloseTo(2.0, within(0.5));
  }

  @Test
  void shouldForecastTheEndOfATransitionBeyondTheLargestXSeen() {
    Series s = sharpBreakUpTo(1.2e4);
    Fit fit = fitter.fit(Bnsl.withBreaks(1), s);
    List<InflectionForecast> forecasts = InflectionForecaster.forecast(fit, s.xs());
    assertThat(forecasts).hasSize(1);
    InflectionForecast f = forecasts.get(0);
    double trueEnd = 1e4 * Math.exp(Math.log(9) * 0.1);
    assertThat(f.end().value()).isGreaterThan(s.xMax()).isCloseTo(trueEnd, within(0.2 * trueEnd));
    assertThat(f.restsOnEvidence()).isTrue();
    assertThat(f.atEnd().extrapolated()).isTrue();
    assertThat(f.hoursToEnd(1000)).isCloseTo((f.end().value() - s.xMax()) / 1000, within(1e-9));
  }

  @Test
  void shouldSayWhenNoBreakIsForecastBecauseTransitionsAreComplete() {
    Series s = sharpBreakUpTo(1e7);
    Fit fit = fitter.fit(Bnsl.withBreaks(1), s);
    assertThat(TransitionDetector.detect(fit, s.xs()).get(0).phase())
        .isEqualTo(Transition.Phase.COMPLETE);
    assertThat(InflectionForecaster.forecast(fit, s.xs())).isEmpty();
  }

  @Test
  void shouldFlagABrokenLawWhenNewPointsLeaveThePredictionBand() {
    Bnsl form = Bnsl.withBreaks(1);
    Series all = Synthetic.sample(form, SHARP, Synthetic.logspace(10, 1e6, 30), 0.01, 2);
    Fit beforeBreak = fitter.fit(Bnsl.powerLawWithFloor(), all.head(15));
    LawBreak broken = LawBreakDetector.check(beforeBreak, all.tail(10), 2);
    assertThat(broken.broken()).isTrue();
    assertThat(broken.outside()).isGreaterThanOrEqualTo(8);
    assertThat(broken.deviations().get(9).logResidual()).isLessThan(-0.5);

    Series plain =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 25),
            0.02,
            3);
    LawBreak holds =
        LawBreakDetector.check(
            fitter.fit(Bnsl.powerLawWithFloor(), plain.head(20)), plain.tail(5), 2);
    assertThat(holds.broken()).isFalse();
    assertThat(holds.deviations()).hasSize(5);
  }

  @Test
  void shouldInvertThePowerLawWithAnIntervalAroundTheTruth() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLaw(), new double[] {10, 0.5}, Synthetic.logspace(1, 1e4, 20), 0.02, 5);
    Fit fit = fitter.fit(Bnsl.powerLaw(), s);
    InverseForecast f = InverseForecaster.solve(fit, 0.01, 6);
    double truth = Math.pow(10 / 0.01, 2); // 10 * x^-0.5 = 0.01
    assertThat(f.status()).isEqualTo(InverseForecast.Status.FORECAST);
    assertThat(f.x()).isCloseTo(truth, within(0.3 * truth));
    assertThat(f.lower()).isLessThan(f.x());
    assertThat(f.upper()).isGreaterThan(f.x());
    assertThat(f.lower()).isLessThan(truth);
    assertThat(f.upper()).isGreaterThan(truth);
  }

  @Test
  void shouldCallATargetBelowTheFloorUnreachable() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 20),
            0.01,
            1);
    InverseForecast f = InverseForecaster.solve(fitter.fit(Bnsl.powerLawWithFloor(), s), 1.0, 10);
    assertThat(f.status()).isEqualTo(InverseForecast.Status.UNREACHABLE);
    assertThat(f.reason()).contains("stays above 1");
    Fit fit = fitter.fit(Bnsl.powerLawWithFloor(), s);
    assertThatThrownBy(() -> InverseForecaster.solve(fit, -1, 3))
        .hasMessageContaining("inverse.target must be finite and > 0: -1");
  }

  /** 40 points of a sharp 1-break law (break at 1e4, f = 0.1) from x = 10 to {@code xMax}. */
  private static Series sharpBreakUpTo(double xMax) {
    return Synthetic.sample(Bnsl.withBreaks(1), SHARP, Synthetic.logspace(10, xMax, 40), 0.002, 1);
  }
}
