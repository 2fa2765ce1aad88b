package dev.scalewatch.laws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeriesTest {

  @Test
  void shouldSortPointsByX() {
    Series s =
        Series.withStderr(
            new double[] {3, 1, 2}, new double[] {30, 10, 20}, new double[] {0.3, 0.1, 0.2});
    assertThat(s.xs()).containsExactly(1, 2, 3);
    assertThat(s.ys()).containsExactly(10, 20, 30);
    assertThat(s.stderr(2)).isEqualTo(0.3);
  }

  @Test
  void shouldNameTheOffendingPointWhenYIsNotPositive() {
    assertThatThrownBy(() -> Series.of(new double[] {1, 2}, new double[] {0.5, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series.y[1] must be finite and > 0")
        .hasMessageContaining("fit bounded higher-is-better metrics as error");
  }

  @Test
  void shouldRejectMismatchedLengths() {
    assertThatThrownBy(() -> Series.of(new double[] {1, 2}, new double[] {1}))
        .hasMessageContaining("series.y must have as many entries as x: 1 != 2");
  }

  @Test
  void shouldSplitIntoHeadAndTailByX() {
    Series s = Series.of(new double[] {4, 3, 2, 1}, new double[] {1, 2, 3, 4});
    assertThat(s.head(3).xs()).containsExactly(1, 2, 3);
    assertThat(s.tail(1).xs()).containsExactly(4);
    assertThat(s.plus(0.5, 9).xs()).containsExactly(0.5, 1, 2, 3, 4);
  }

  @Test
  void shouldFitBoundedHigherIsBetterMetricsAsError() {
    Metric acc = Metric.higherIsBetter(1);
    assertThat(acc.toFitted(0.8)).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(acc.toObserved(acc.toFitted(0.8))).isEqualTo(0.8);
    assertThatThrownBy(() -> Metric.higherIsBetter(Double.NaN))
        .hasMessageContaining("metric.bound must be finite");
  }

  @Test
  void shouldNeverMapAnErrorBandBelowAZeroScore() {
    Metric acc = Metric.higherIsBetter(1);

    assertThat(acc.toObserved(103.9)).isZero();
    assertThat(Metric.lowerIsBetter().toObserved(103.9)).isEqualTo(103.9);
  }
}
