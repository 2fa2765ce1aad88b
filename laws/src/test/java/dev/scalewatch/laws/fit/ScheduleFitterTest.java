package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Within-run forecasts through a warm-down: runs generated from Tissue et al.'s law under a WSD and
 * a cosine schedule, fitted on their early part, forecast to the last step; a power law in steps
 * fitted on the same points is the comparison.
 */
class ScheduleFitterTest {

  private static final long TOTAL = 20_000;
  private static final long WARMUP = 500;
  private static final double PEAK = 3e-4;
  private static final double L0 = 2.0;
  private static final double A = 1.2;
  private static final double ALPHA = 0.5;
  private static final double C = 1.5;
  private static final double NOISE = 0.003;

  /** Warm-up, then constant to 80%, then linear to 0 (warmup-stable-decay). */
  private static double wsd(long s) {
    if (s <= WARMUP) {
      return PEAK * s / WARMUP;
    }
    return s <= 16_000 ? PEAK : PEAK * (TOTAL - s) / (double) (TOTAL - 16_000);
  }

  /** Warm-up, then cosine to 10% of the peak. */
  private static double cosine(long s) {
    if (s <= WARMUP) {
      return PEAK * s / WARMUP;
    }
    double t = (s - WARMUP) / (double) (TOTAL - WARMUP);
    return PEAK * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
  }

  /** The schedule at every 10th step (as a run logs its lr), through the planned end. */
  private static LrSchedule schedule(LongToDoubleFunction lr) {
    long[] steps = LongStream.rangeClosed(1, TOTAL / 10).map(i -> i * 10).toArray();
    return LrSchedule.of(steps, Arrays.stream(steps).mapToDouble(lr::applyAsDouble).toArray());
  }

  private record Run(long[] steps, double[] losses, double finalLoss) {}

  /** Loss logged every 100 steps after the warm-up up to {@code upTo}, with noise. */
  private static Run run(LrSchedule schedule, long upTo, long seed) {
    Random r = new Random(seed);
    long[] steps = LongStream.iterate(WARMUP + 100, s -> s <= upTo, s -> s + 100).toArray();
    double[] losses = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      losses[i] = truth(schedule, steps[i]) + NOISE * r.nextGaussian();
    }
    return new Run(steps, losses, truth(schedule, TOTAL));
  }

  private static double truth(LrSchedule schedule, long step) {
    return ScheduleFit.value(
        L0, A, ALPHA, C, schedule.forwardArea(step), schedule.annealingArea(step));
  }

  private static double powerLawForecast(Run run) {
    double[] x = Arrays.stream(run.steps()).asDoubleStream().toArray();
    Fit fit = new Fitter().fit(Bnsl.powerLawWithFloor(), Series.of(x, run.losses()));
    return fit.predict(TOTAL);
  }

  @Test
  void forecastsTheEndOfAWsdWarmDownFromItsFirstHalf() {
    LrSchedule wsd = schedule(ScheduleFitterTest::wsd);
    for (long seed = 1; seed <= 5; seed++) {
      Run run = run(wsd, 18_000, seed);

      ScheduleFit fit = new ScheduleFitter().fit(run.steps(), run.losses(), wsd);

      double error = Math.abs(fit.predict(TOTAL) - run.finalLoss());
      double plain = Math.abs(powerLawForecast(run) - run.finalLoss());
      assertThat(fit.annealingSeen()).isTrue();
      assertThat(error).as("seed %d", seed).isLessThan(0.01);
      assertThat(plain).as("seed %d", seed).isGreaterThan(5 * error).isGreaterThan(0.05);
    }
  }

  @Test
  void forecastsTheEndOfACosineRunFromItsFirstHalf() {
    LrSchedule cosine = schedule(ScheduleFitterTest::cosine);
    for (long seed = 1; seed <= 5; seed++) {
      Run run = run(cosine, 10_000, seed);

      ScheduleFit fit = new ScheduleFitter().fit(run.steps(), run.losses(), cosine);

      double error = Math.abs(fit.predict(TOTAL) - run.finalLoss());
      double plain = Math.abs(powerLawForecast(run) - run.finalLoss());
      assertThat(error).as("seed %d", seed).isLessThan(0.01);
      assertThat(plain).as("seed %d", seed).isGreaterThan(3 * error);
    }
  }

  @Test
  void saysWhenThePointsShowNoAnnealingYet() {
    LrSchedule wsd = schedule(ScheduleFitterTest::wsd);
    Run run = run(wsd, 12_000, 1);

    ScheduleFit fit = new ScheduleFitter().fit(run.steps(), run.losses(), wsd);

    assertThat(fit.annealingSeen()).isFalse();
    assertThat(fit.c()).isZero();
  }

  @Test
  void annealingAreaGrowsOnlyOnceTheLearningRateFalls() {
    LrSchedule wsd = schedule(ScheduleFitterTest::wsd);

    assertThat(wsd.peakStep()).isEqualTo(WARMUP);
    assertThat(wsd.annealingArea(16_000)).isZero();
    assertThat(wsd.annealingArea(18_000)).isPositive().isLessThan(wsd.annealingArea(TOTAL));
    assertThat(wsd.forwardArea(TOTAL)).isGreaterThan(wsd.forwardArea(16_000));
  }

  @Test
  void rejectsStepsThatDoNotIncrease() {
    assertThatThrownBy(() -> LrSchedule.of(new long[] {10, 10}, new double[] {1e-3, 1e-3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lrSchedule.steps must be >= 1 and increasing: steps[1] = 10");
  }
}
