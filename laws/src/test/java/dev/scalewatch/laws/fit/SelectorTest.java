package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import org.junit.jupiter.api.Test;

class SelectorTest {

  private final Selector selector = new Selector();

  @Test
  void shouldChooseZeroBreaksOnNoisyPowerLawData() {
    for (int seed = 1; seed <= 30; seed++) {
      Series s =
          Synthetic.sample(
              Bnsl.powerLawWithFloor(),
              new double[] {1.5, 20, 0.3},
              Synthetic.logspace(1e3, 1e8, 20),
              0.03,
              seed);
      Selection selection = selector.select(s);
      assertThat(selection.chosen().breaks()).as("breaks chosen, seed %d", seed).isZero();
      long supported = selection.candidates().stream().filter(Candidate::supported).count();
      assertThat(selection.decidedBy() == Selection.Criterion.ONLY_SUPPORTED)
          .as("criterion %s with %d supported candidates", selection.decidedBy(), supported)
          .isEqualTo(supported == 1);
    }
  }

  @Test
  void shouldChooseOneBreakOnNoisyOneBreakData() {
    for (int seed = 1; seed <= 10; seed++) {
      Series s =
          Synthetic.sample(
              Bnsl.withBreaks(1),
              new double[] {0.2, 5, 0.1, 0.6, 1e4, 0.2},
              Synthetic.logspace(1e1, 1e7, 50),
              0.01,
              seed);
      Selection selection = selector.select(s);
      assertThat(selection.chosen().breaks()).as("breaks chosen, seed %d", seed).isEqualTo(1);
      assertThat(selection.fit().parameter("d1").value()).isCloseTo(1e4, within(2e3));
    }
  }

  @Test
  void shouldSayWhichCriterionWonAndByHowMuch() {
    Series s =
        Synthetic.sample(
            Bnsl.withBreaks(1),
            new double[] {0.2, 5, 0.1, 0.6, 1e4, 0.2},
            Synthetic.logspace(1e1, 1e7, 50),
            0.01,
            1);
    Selection selection = selector.select(s);
    assertThat(selection.candidates()).extracting(Candidate::breaks).containsExactly(0, 1, 2, 3);
    assertThat(selection.holdout()).isEqualTo(10);
    assertThat(selection.decidedBy()).isEqualTo(Selection.Criterion.BOTH);
    assertThat(selection.aiccMargin()).isGreaterThan(Selector.MIN_AICC_GAIN);
    assertThat(selection.holdoutRatio()).isGreaterThan(1);
    Candidate none = selection.candidates().get(0);
    assertThat(none.holdoutRmsle()).isGreaterThan(selection.chosen().holdoutRmsle());
  }

  @Test
  void shouldTryOnlyAsManyBreaksAsThePointsAllow() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 9),
            0.01,
            1);
    Selection selection = selector.select(s);
    assertThat(selection.candidates()).extracting(Candidate::breaks).containsExactly(0, 1);
  }

  @Test
  void shouldRejectAHoldoutAsLargeAsTheSeries() {
    Series s =
        Synthetic.sample(
            Bnsl.powerLawWithFloor(),
            new double[] {1.5, 20, 0.3},
            Synthetic.logspace(1e3, 1e8, 8),
            0.01,
            1);
    assertThatThrownBy(() -> new Selector(new Fitter(), 3, 8).select(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("select.holdout must be < number of points: 8 >= 8 (use at most 7)");
  }
}
