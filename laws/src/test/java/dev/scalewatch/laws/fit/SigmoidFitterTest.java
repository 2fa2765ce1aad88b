package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SigmoidFitterTest {

  private final SigmoidFitter fitter = SigmoidFitter.forAccuracy(0);

  /**
   * Fits {@code sweeps} synthetic 5-point sweeps over 2.5 decades (1e8 to 3e10): floor {@code
   * floor}, ceiling 0.5-0.9, steepness 2-6 per unit ln x, the jump anywhere inside the sizes,
   * Gaussian noise 0.03. Returns how often the midpoint interval covers the true jump, the band at
   * the next size covers a new point, and that band is narrower than 0.9.
   */
  private static int[] coverage(SigmoidFitter fitter, Random r, int sweeps, double floor) {
    int midpoint = 0;
    int nextSize = 0;
    int narrower = 0;
    double t1 = Math.log(1e8);
    double t5 = Math.log(3e10);
    for (int s = 0; s < sweeps; s++) {
      double ceiling = 0.5 + 0.4 * r.nextDouble();
      double k = 2 + 4 * r.nextDouble();
      double m = t1 + (t5 - t1) * r.nextDouble();
      double[] x = new double[5];
      double[] y = new double[5];
      for (int i = 0; i < 5; i++) {
        double t = t1 + (t5 - t1) * i / 4;
        x[i] = Math.exp(t);
        y[i] = floor + (ceiling - floor) / (1 + Math.exp(-k * (t - m))) + 0.03 * r.nextGaussian();
      }
      SigmoidFit fit = fitter.fit(x, y);
      midpoint += fit.midpoint().covers(Math.exp(m)) ? 1 : 0;
      double tNext = t5 + (t5 - t1) / 4;
      double yNext =
          floor + (ceiling - floor) / (1 + Math.exp(-k * (tNext - m))) + 0.03 * r.nextGaussian();
      Band next = fit.band(Math.exp(tNext));
      nextSize += next.contains(yNext) ? 1 : 0;
      narrower += next.upper() - next.lower() < 0.9 ? 1 : 0;
    }
    return new int[] {midpoint, nextSize, narrower};
  }

  /** 1000 sweeps with the floor given (0). */
  @Test
  void shouldCoverTheJumpWith95PercentIntervalsBetween90And98PercentOf5PointSweeps() {
    int sweeps = 1000;
    int[] c = coverage(fitter, new Random(7), sweeps, 0);
    double coverage = c[0] / (double) sweeps;
    System.out.printf(
        Locale.ROOT,
        "sigmoid 95%% coverage on 5-point sweeps: midpoint %.3f, next size %.3f%n",
        coverage,
        c[1] / (double) sweeps);
    assertThat(coverage).as("coverage of the midpoint interval").isBetween(0.9, 0.98);
    assertThat(c[1] / (double) sweeps).as("coverage of the next-size band").isBetween(0.9, 1.0);
    assertThat(c[2]).as("next-size bands narrower than 0.9").isGreaterThan(sweeps * 95 / 100);
  }

  /**
   * 300 sweeps with the floor not given ({@link SigmoidFitter#forUnknownChance}): true floor 0.05
   * (noise 0.03, so the lowest point often lies below it), fitted within [0, lowest score].
   */
  @Test
  void shouldStillCoverTheJumpWhenTheFloorIsFittedOn5PointSweeps() {
    int sweeps = 300;
    int[] c = coverage(SigmoidFitter.forUnknownChance(1), new Random(11), sweeps, 0.05);
    System.out.printf(
        Locale.ROOT,
        "sigmoid (floor fitted) 95%% coverage on 5-point sweeps: midpoint %.3f, next size %.3f,"
            + " next-size band narrower than 0.9 in %.3f%n",
        c[0] / (double) sweeps,
        c[1] / (double) sweeps,
        c[2] / (double) sweeps);
    assertThat(c[0] / (double) sweeps).as("coverage of the midpoint").isBetween(0.9, 0.99);
    assertThat(c[1] / (double) sweeps).as("coverage of the next size").isBetween(0.9, 1.0);
    assertThat(c[2]).as("next-size bands narrower than 0.9").isGreaterThan(sweeps * 9 / 10);
  }

  @Test
  void shouldFitTheFloorBetweenZeroAndTheLowestScore() {
    double[] x = {1e8, 3e8, 1e9, 3e9, 1e10, 3e10};
    double[] y = {0.251, 0.249, 0.252, 0.40, 0.70, 0.80};
    SigmoidFit fit = SigmoidFitter.forUnknownChance(1).fit(x, y);
    assertThat(fit.floor()).isBetween(0.2, 0.2491);
    assertThat(fit.xMin()).isEqualTo(1e8, org.assertj.core.data.Offset.offset(1.0));
    assertThat(fit.xMax()).isEqualTo(3e10, org.assertj.core.data.Offset.offset(1e2));
    assertThat(SigmoidFitter.forAccuracy(0).fit(x, y).floor()).isZero();
  }

  @Test
  void shouldPutTheJumpOfGptNeoJTwoDigitAdditionBetween2_7BAnd6B() {
    double[] x = {1.25e8, 1.3e9, 2.7e9, 6.05e9, 2e10};
    double[] y = {0.006, 0.0165, 0.054, 0.8305, 0.969};
    SigmoidFit fit = fitter.fit(x, y);
    assertThat(fit.midpoint().lower()).isGreaterThan(2.7e9);
    assertThat(fit.midpoint().upper()).isLessThan(6.05e9);
    Band next = fit.band(6.3e10);
    assertThat(next.lower()).isGreaterThan(0.5);
    assertThat(next.upper()).isLessThanOrEqualTo(1.0);
  }

  /** Pythia's two-digit addition jumps at 2.8B, then falls back at 6.9B and 12B. */
  @Test
  void shouldSayThatPythiasFallBackAt6_9BAnd12BBrokeTheSigmoidOfTheSmallerModels() {
    double[] x = {7e7, 1.6e8, 4.1e8, 1e9, 1.4e9, 2.8e9};
    double[] y = {0.009, 0.005, 0.009, 0.0165, 0.067, 0.795};
    SigmoidFit fit = fitter.fit(x, y);
    assertThat(fit.midpoint().lower()).isGreaterThanOrEqualTo(1.4e9);
    assertThat(fit.midpoint().upper()).isLessThanOrEqualTo(2.8e9);
    Band at6_9 = fit.band(6.9e9);
    assertThat(at6_9.upper() - at6_9.lower()).isLessThan(0.5);
    assertThat(fit.brokenBy(6.9e9, 0.486)).isTrue();
    assertThat(fit.brokenBy(1.2e10, 0.446)).isTrue();
    assertThat(fit.brokenBy(6.9e9, 0.95)).isFalse();
  }

  @Test
  void shouldLeaveTheMidpointOpenWhenNoPointIsPastTheJump() {
    double[] x = {1e8, 3e8, 1e9, 3e9, 1e10};
    double[] y = {0.01, 0.012, 0.009, 0.011, 0.013};
    SigmoidFit fit = fitter.fit(x, y);
    assertThat(fit.midpoint().upper()).isInfinite();
  }

  @Test
  void shouldRejectFewerThan4PointsNamingTheCount() {
    assertThatThrownBy(() -> fitter.fit(new double[] {1, 2, 3}, new double[] {0, 0.5, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sigmoid needs at least 4 points (3 parameters + 1): got 3 (add sizes)");
    assertThatThrownBy(() -> new SigmoidFitter(1, 1, 0.95, 0))
        .hasMessageContaining("sigmoid.floor must be finite and below sigmoid.bound: 1.0 >= 1.0");
  }
}
