package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The band of {@link ScheduleFit}: coverage of its 95% confidence band of the final loss on seeded
 * synthetic WSD runs generated from Tissue et al.'s law (the parameters of {@code
 * ScheduleFitterTest}), fitted part-way through the warm-down, and on cosine runs fitted on their
 * first half.
 */
class ScheduleBandTest {

  static final long TOTAL = 20_000;
  static final long WARMUP = 500;
  static final long DECAY = 16_000;
  static final double PEAK = 3e-4;
  static final double L0 = 2.0;
  static final double A = 1.2;
  static final double ALPHA = 0.5;
  static final double C = 1.5;
  static final double NOISE = 0.003;
  static final int RUNS = 300;

  static double wsd(long s) {
    if (s <= WARMUP) {
      return PEAK * s / WARMUP;
    }
    return s <= DECAY ? PEAK : PEAK * (TOTAL - s) / (double) (TOTAL - DECAY);
  }

  /** Warm-up, then cosine to 10% of the peak. */
  static double cosine(long s) {
    if (s <= WARMUP) {
      return PEAK * s / WARMUP;
    }
    double t = (s - WARMUP) / (double) (TOTAL - WARMUP);
    return PEAK * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
  }

  static LrSchedule schedule() {
    return schedule(ScheduleBandTest::wsd);
  }

  static LrSchedule schedule(java.util.function.LongToDoubleFunction lr) {
    long[] steps = LongStream.rangeClosed(1, TOTAL / 10).map(i -> i * 10).toArray();
    return LrSchedule.of(steps, Arrays.stream(steps).mapToDouble(lr::applyAsDouble).toArray());
  }

  static double truth(LrSchedule schedule, double c, long step) {
    return ScheduleFit.value(
        L0, A, ALPHA, c, schedule.forwardArea(step), schedule.annealingArea(step));
  }

  /** Fits runs up to {@code upTo}; returns {coverage of the final loss, mean half-width}. */
  static double[] coverage(LrSchedule schedule, long upTo, long firstSeed) {
    long[] steps = LongStream.iterate(WARMUP + 100, s -> s <= upTo, s -> s + 100).toArray();
    double finalLoss = truth(schedule, C, TOTAL);
    int inside = 0;
    double width = 0;
    for (long seed = firstSeed; seed < firstSeed + RUNS; seed++) {
      Random r = new Random(seed);
      double[] losses = new double[steps.length];
      for (int i = 0; i < steps.length; i++) {
        losses[i] = truth(schedule, C, steps[i]) + NOISE * r.nextGaussian();
      }
      Band band = new ScheduleFitter().fit(steps, losses, schedule).band(TOTAL);
      inside += band.meanLower() <= finalLoss && finalLoss <= band.meanUpper() ? 1 : 0;
      width += (band.meanUpper() - band.meanLower()) / 2;
    }
    return new double[] {inside / (double) RUNS, width / RUNS};
  }

  @Test
  void bandOfTheFinalLossCoversTheTruthAboutAsOftenAsItsLevelSays() {
    LrSchedule wsd = schedule();
    for (long upTo : new long[] {17_000, 18_000}) {
      double[] cov = coverage(wsd, upTo, 1000);
      System.out.printf(
          Locale.ROOT, "upTo %d coverage %.3f half-width %.4f%n", upTo, cov[0], cov[1]);
      assertThat(cov[0]).as("coverage fitted to step %d", upTo).isBetween(0.90, 0.98);
    }
    double[] cosine = coverage(schedule(ScheduleBandTest::cosine), 10_000, 5000);
    System.out.printf(
        Locale.ROOT, "cosine upTo 10000 coverage %.3f half-width %.4f%n", cosine[0], cosine[1]);
    assertThat(cosine[0])
        .as("coverage of a cosine run fitted to step 10,000")
        .isBetween(0.90, 0.98);
  }

  @Test
  void beforeTheDecayTheBandReachesDownToTheFloorBecauseTheAnnealingIsUnknown() {
    LrSchedule wsd = schedule();
    long[] steps = LongStream.iterate(WARMUP + 100, s -> s <= 15_000, s -> s + 100).toArray();
    Random r = new Random(7);
    double[] losses =
        Arrays.stream(steps)
            .mapToDouble(s -> truth(wsd, C, s) + NOISE * r.nextGaussian())
            .toArray();

    ScheduleFit fit = new ScheduleFitter().fit(steps, losses, wsd);
    Band end = fit.band(TOTAL);
    Band stable = fit.band(DECAY);

    assertThat(fit.annealingSeen()).isFalse();
    assertThat(end.meanLower()).isLessThanOrEqualTo(truth(wsd, C, TOTAL));
    assertThat(end.meanUpper()).isGreaterThanOrEqualTo(truth(wsd, C, TOTAL));
    assertThat(stable.upper() - stable.lower())
        .as("no annealing by the decay start: a narrow band there")
        .isLessThan(0.05);
  }

  @Test
  void beforeTheDecayNoFitCanKnowTheWarmDownsSize() {
    // Two runs that differ only in C log the same loss until the decay starts: S2 = 0 there.
    LrSchedule wsd = schedule();
    long[] steps = LongStream.iterate(WARMUP + 100, s -> s <= DECAY, s -> s + 100).toArray();
    double[] weak = Arrays.stream(steps).mapToDouble(s -> truth(wsd, 0.5, s)).toArray();
    double[] strong = Arrays.stream(steps).mapToDouble(s -> truth(wsd, C, s)).toArray();

    assertThat(weak).containsExactly(strong);
    assertThat(truth(wsd, 0.5, TOTAL) - truth(wsd, C, TOTAL))
        .as("what a forecast from these points must miss by, for one of the two runs, times 2")
        .isGreaterThan(0.2);
  }

  @Test
  void warmRefitAfterMorePointsMatchesAColdFit() {
    LrSchedule wsd = schedule();
    Random r = new Random(3);
    long[] all = LongStream.iterate(WARMUP + 100, s -> s <= 18_000, s -> s + 100).toArray();
    double[] losses =
        Arrays.stream(all).mapToDouble(s -> truth(wsd, C, s) + NOISE * r.nextGaussian()).toArray();
    int k = all.length - 5;
    ScheduleFitter fitter = new ScheduleFitter();
    ScheduleFit earlier = fitter.fit(Arrays.copyOf(all, k), Arrays.copyOf(losses, k), wsd);

    ScheduleFit warm = fitter.refit(all, losses, wsd, earlier.alpha());
    ScheduleFit cold = fitter.fit(all, losses, wsd);

    assertThat(warm.predict(TOTAL))
        .isCloseTo(cold.predict(TOTAL), org.assertj.core.data.Offset.offset(1e-4));
    assertThat(warm.sigma()).isLessThanOrEqualTo(cold.sigma() * 1.0001);
  }
}
