package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import org.junit.jupiter.api.Test;

class FitterTest {

  private static final double[] ONE_BREAK = {0.2, 5, 0.1, 0.6, 1e4, 0.2};
  private final Fitter fitter = new Fitter();

  @Test
  void shouldKeepTheWarmStartWhenTheNewPointFollowsTheLaw() {
    Series all =
        Synthetic.sample(Bnsl.withBreaks(1), ONE_BREAK, Synthetic.logspace(10, 1e7, 21), 0.01, 3);
    Fit previous = fitter.fit(Bnsl.withBreaks(1), all.head(20));
    Fit refit = fitter.refit(previous, all);
    assertThat(refit.origin()).isEqualTo(Origin.WARM_START);
    Fit fromState = fitter.refit(previous.warmStart(), all);
    assertThat(fromState.internalParameters()).containsExactly(refit.internalParameters());
    assertThat(refit.points()).isEqualTo(21);
    Fit wide = fitter.fit(Bnsl.withBreaks(1), all);
    assertThat(refit.rmsle()).isCloseTo(wide.rmsle(), within(1e-6));
  }

  @Test
  void shouldFallBackToTheWideSearchWhenTheWarmStartNoLongerExplainsNewPoints() {
    // The previous fit saw only points before the break: its break sits far beyond the data with
    // a negligible slope change, a flat region Levenberg-Marquardt cannot leave in a few steps.
    Bnsl form = Bnsl.withBreaks(1);
    Series now =
        Synthetic.sample(
            form,
            new double[] {0.01, 5, 0.1, 2.0, 1e4, 0.05},
            Synthetic.logspace(10, 1e6, 30),
            0.005,
            4);
    Series before = now.head(15);
    double[] stale = form.toInternal(new double[] {0.01, 5, 0.1, 0.0011, 1e9, 0.05});
    Fit previous = Fit.create(Problem.of(form, before), stale, 0.95, Origin.WIDE_SEARCH, 0, 0);
    assertThat(LawBreakCheck.outside(previous, now.tail(15))).isGreaterThan(10);

    Fit after = fitter.refit(previous, now);

    assertThat(after.origin()).isEqualTo(Origin.WARM_START_FALLBACK);
    assertThat(after.rmsle()).isLessThan(0.01);
    assertThat(after.parameter("d1").value()).isCloseTo(1e4, within(200.0));
  }

  /** Counts points outside a fit's prediction band. */
  private static final class LawBreakCheck {
    static int outside(Fit fit, Series s) {
      int n = 0;
      for (int i = 0; i < s.size(); i++) {
        n += fit.band(s.x(i)).contains(s.y(i)) ? 0 : 1;
      }
      return n;
    }
  }

  @Test
  void shouldGiveLessWeightToPointsWithLargeStderr() {
    double[] x = Synthetic.logspace(1, 1e4, 12);
    double[] y = new double[x.length];
    double[] precise = new double[x.length];
    double[] vague = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 3 * Math.pow(x[i], -0.5);
      precise[i] = 0.01 * y[i];
      vague[i] = 0.01 * y[i];
    }
    y[11] *= 2; // an outlier at the largest x
    precise[11] = 0.01 * y[11];
    vague[11] = 10 * y[11];
    Fit trusted = fitter.fit(Bnsl.powerLaw(), Series.withStderr(x, y, precise));
    Fit discounted = fitter.fit(Bnsl.powerLaw(), Series.withStderr(x, y, vague));
    assertThat(Math.abs(discounted.parameter("c0").value() - 0.5))
        .isLessThan(0.01)
        .isLessThan(Math.abs(trusted.parameter("c0").value() - 0.5));
  }

  @Test
  void shouldWidenThePredictionBandWhenExtrapolatingFurther() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 20),
            0.02,
            1);
    Fit fit = fitter.fit(Bnsl.powerLawWithFloor(), s);
    Band near = fit.band(1e8);
    Band far = fit.band(1e11);
    assertThat(far.extrapolated()).isTrue();
    assertThat(far.upper() / far.lower()).isGreaterThan(near.upper() / near.lower());
    assertThat(far.lower()).isLessThan(far.meanLower());
    assertThat(far.meanLower()).isLessThan(far.y()).isLessThan(far.meanUpper());
  }

  @Test
  void shouldBeDeterministicForAGivenSeed() {
    Series s =
        Synthetic.sample(Bnsl.withBreaks(1), ONE_BREAK, Synthetic.logspace(10, 1e7, 30), 0.02, 9);
    double[] first = fitter.fit(Bnsl.withBreaks(1), s).internalParameters();
    double[] second = new Fitter().fit(Bnsl.withBreaks(1), s).internalParameters();
    assertThat(second).containsExactly(first);
  }

  @Test
  void shouldNameTheFormAndTheMinimumWhenPointsAreTooFew() {
    Series s =
        Synthetic.sample(Bnsl.withBreaks(1), ONE_BREAK, Synthetic.logspace(10, 1e7, 6), 0.0, 1);
    assertThatThrownBy(() -> fitter.fit(Bnsl.withBreaks(1), s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "fit of form bnsl-1 needs at least 7 points (6 parameters + 1): got 6"
                + " (add points or use a form with fewer breaks)");
  }

  @Test
  void shouldRejectInvalidOptionsNamingTheSetting() {
    assertThatThrownBy(() -> FitOptions.builder().level(1.5).build())
        .hasMessage("fit.level must be in (0, 1), e.g. 0.95: 1.5");
  }
}
