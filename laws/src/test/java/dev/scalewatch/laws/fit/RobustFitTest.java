package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import org.junit.jupiter.api.Test;

class RobustFitTest {

  private static final double[] TRUTH = {2.0, 10.0, 0.3}; // a, b, c0

  private final Fitter huber =
      new Fitter(FitOptions.builder().loss(Loss.huber(Loss.HUBER_DELTA)).resamples(50).build());

  /** 30 points of the power law with floor, 1% noise, and every 10th point 1.5x too high. */
  private static Series withOutliers() {
    Series clean =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(), TRUTH, Synthetic.logspace(1e3, 1e7, 30), 0.01, 3);
    double[] y = clean.ys();
    for (int i = 4; i < y.length; i += 10) {
      y[i] *= 1.5;
    }
    return Series.of(clean.xs(), y);
  }

  @Test
  void huberKeepsTheExponentThatOutliersPullSquaredLossAwayFrom() {
    Series s = withOutliers();

    double robust = huber.fit(Bnsl.powerLawWithFloor(), s).parameter("c0").value();
    double squared = new Fitter().fit(Bnsl.powerLawWithFloor(), s).parameter("c0").value();

    assertThat(Math.abs(robust - TRUTH[2])).isLessThan(0.02);
    assertThat(Math.abs(squared - TRUTH[2])).isGreaterThan(2 * Math.abs(robust - TRUTH[2]));
  }

  @Test
  void huberIntervalsComeFromTheBootstrapAndCoverTheTruth() {
    Fit fit = huber.fit(Bnsl.powerLawWithFloor(), withOutliers());

    assertThat(fit.loss()).isEqualTo(Loss.huber(Loss.HUBER_DELTA));
    assertThat(fit.parameter("c0").covers(TRUTH[2])).isTrue();
    assertThat(fit.parameter("a").covers(TRUTH[0])).isTrue();
    Band band = fit.band(1e8);
    assertThat(band.lower()).isLessThan(band.meanLower());
    assertThat(band.meanLower()).isLessThan(band.y());
    assertThat(band.upper()).isGreaterThan(band.meanUpper());
  }

  @Test
  void warmRefitKeepsTheRobustLoss() {
    Series s = withOutliers();
    Fit first = huber.fit(Bnsl.powerLawWithFloor(), s);

    Fit again = huber.refit(first, s);

    assertThat(again.origin()).isEqualTo(Origin.WARM_START);
    assertThat(again.loss().robust()).isTrue();
    assertThat(again.parameter("c0").value())
        .isCloseTo(first.parameter("c0").value(), org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void lossNamesAndThresholdsAreValidated() {
    assertThat(Loss.byName("huber")).isEqualTo(Loss.huber(1e-3));
    assertThat(Loss.byName("squared").robust()).isFalse();
    assertThatThrownBy(() -> Loss.byName("l1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("squared or huber")
        .hasMessageContaining("'l1'");
    assertThatThrownBy(() -> Loss.huber(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fit.loss.delta");
    assertThatThrownBy(() -> FitOptions.builder().resamples(5).build())
        .hasMessageContaining("fit.resamples");
  }
}
