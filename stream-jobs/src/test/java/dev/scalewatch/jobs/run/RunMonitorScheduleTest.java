package dev.scalewatch.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.fit.LrSchedule;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.BandPoint;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A synthetic WSD run fed point by point: loss from Tissue et al.'s law (L0 = 2, A = 1.2, alpha =
 * 0.5, C = 1.5; peak 3e-4 after 500 warm-up steps, constant to 16,000, linear to 0 at 20,000),
 * logged every 10 steps from step 1,000 with noise 0.003, with and without its learning rate {@code
 * optim/lr}, a refit every 200 steps.
 */
class RunMonitorScheduleTest {

  static final long FIT_INTERVAL = 1_000;
  static final long TOTAL = 20_000;
  static final long WARMUP = 500;
  static final long DECAY = 16_000;
  static final double PEAK = 3e-4;
  static final long TOKENS_PER_STEP = 1_000;

  KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Run, Alert> harness;
  java.util.function.LongToDoubleFunction lrFn = RunMonitorScheduleTest::lr;
  LrSchedule truthSchedule = schedule(lrFn);
  double c = 1.5;

  /** A level shift of the loss not caused by the schedule: times {@code shiftBy} from a step. */
  long shiftAt = Long.MAX_VALUE;

  double shiftBy = 1;
  final Random noise = new Random(5);
  long clock;

  @BeforeEach
  void open() throws Exception {
    harness = RunMonitorTest.harness(60_000_000, FIT_INTERVAL);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static double lr(long s) {
    if (s <= WARMUP) {
      return PEAK * s / WARMUP;
    }
    return s <= DECAY ? PEAK : PEAK * (TOTAL - s) / (double) (TOTAL - DECAY);
  }

  /** A step schedule: the learning rate falls to a tenth at once at step 12,000. */
  static double stepLr(long s) {
    return s <= WARMUP ? PEAK * s / WARMUP : s < 12_000 ? PEAK : PEAK / 10;
  }

  static LrSchedule schedule(java.util.function.LongToDoubleFunction f) {
    return schedule(f, LrSchedule.DEFAULT_DECAY);
  }

  static LrSchedule schedule(java.util.function.LongToDoubleFunction f, double decay) {
    long[] steps = LongStream.rangeClosed(1, TOTAL).toArray();
    return LrSchedule.of(
        steps, Arrays.stream(steps).mapToDouble(f::applyAsDouble).toArray(), decay);
  }

  double truth(long step) {
    double s1 = truthSchedule.forwardArea(step);
    double s2 = truthSchedule.annealingArea(step);
    return 2.0 + 1.2 * Math.pow(s1, -0.5) - c * s2;
  }

  void runRecord(Map<String, String> hyperparameters) throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            Run.newBuilder()
                .setProject("p")
                .setRunId("wsd")
                .setPlannedTokens(TOTAL * TOKENS_PER_STEP)
                .setHyperparameters(hyperparameters)
                .setStatus(RunStatus.RUNNING)
                .setUpdatedAt(Instant.EPOCH)
                .build()));
  }

  void send(String metric, long step, double value) throws Exception {
    MetricPoint p =
        MetricPoint.newBuilder()
            .setProject("p")
            .setRunId("wsd")
            .setStep(step)
            .setTokensSeen(step * TOKENS_PER_STEP)
            .setMetric(metric)
            .setValue(value)
            .setEventTime(Instant.ofEpochSecond(1_700_000_000L + step))
            .build();
    harness.processElement1(new StreamRecord<>(p, p.getEventTime().toEpochMilli()));
  }

  /** Feeds steps up to {@code to} (every 10), a refit every 200 steps. */
  void feed(long from, long to, boolean withLr) throws Exception {
    for (long s = from; s <= to; s += 10) {
      if (withLr) {
        send("optim/lr", s, lrFn.applyAsDouble(s));
      }
      if (s >= 2 * WARMUP) {
        send(
            "train/loss",
            s,
            (s >= shiftAt ? shiftBy : 1) * truth(s) + 0.003 * noise.nextGaussian());
      }
      if (s % 200 == 0) {
        clock += FIT_INTERVAL;
        harness.setProcessingTime(clock);
      }
    }
  }

  List<Fit> fits(String form) {
    return harness.getSideOutput(RunMonitor.FITS).stream()
        .map(StreamRecord::getValue)
        .filter(f -> f.getForm().equals(form))
        .toList();
  }

  static BandPoint last(Fit fit) {
    return fit.getBand().get(fit.getBand().size() - 1);
  }

  List<Alert> alerts(AlertKind kind) {
    return harness.extractOutputValues().stream().filter(a -> a.getKind() == kind).toList();
  }

  static Map<String, String> wsdPlan() {
    return Map.of(
        "lr_schedule", "wsd",
        "lr_max", "3e-4",
        "lr_warmup_steps", "500",
        "lr_decay_start", "16000",
        "lr_total_steps", "20000");
  }

  Fit latest(String form) {
    List<Fit> all = fits(form);
    assertThat(all).as("fits of form %s", form).isNotEmpty();
    return all.get(all.size() - 1);
  }

  double error(String form) {
    return Math.abs(last(latest(form)).getY() - truth(TOTAL));
  }

  @Test
  void shouldForecastTheWarmDownOnceItStartsAndBandItBeforeAndRaiseNothing() throws Exception {
    runRecord(wsdPlan());
    double finalLoss = truth(TOTAL);

    feed(10, 15_800, true);
    Fit before = latest(ScheduleForecast.FORM);
    Fit plainBefore = latest("power-law-floor");
    assertThat(before.getKey()).isEqualTo("p/wsd/train/loss/steps/lr_annealing");
    assertThat(plainBefore.getKey()).isEqualTo("p/wsd/train/loss/steps");
    assertThat(last(before).getX()).as("forecast to lr_total_steps").isEqualTo(TOTAL);
    assertThat(before.getParameters().get(3).getInterval())
        .as("C not estimated before the decay")
        .isNull();
    assertThat(last(before).getLower())
        .as("the unknown warm-down is inside the band")
        .isLessThanOrEqualTo(finalLoss);
    assertThat(last(before).getUpper()).isGreaterThanOrEqualTo(finalLoss);
    assertThat(last(plainBefore).getLower())
        .as("the power law's band misses the warm-down")
        .isGreaterThan(finalLoss);
    double beforeError = error(ScheduleForecast.FORM);
    double plainBeforeError = error("power-law-floor");

    feed(15_810, 17_000, true);
    double quarterError = error(ScheduleForecast.FORM);
    feed(17_010, 18_000, true);
    double halfError = error(ScheduleForecast.FORM);
    double plainHalfError = error("power-law-floor");
    feed(18_010, 19_000, true);
    double threeQuarterError = error(ScheduleForecast.FORM);
    System.out.printf(
        Locale.ROOT,
        "final-loss forecast error, lr_annealing (power law): before the decay %.4f (%.4f),"
            + " at 17k %.4f, at 18k %.4f (%.4f), at 19k %.4f%n",
        beforeError,
        plainBeforeError,
        quarterError,
        halfError,
        plainHalfError,
        threeQuarterError);

    assertThat(quarterError).as("a quarter into the decay").isLessThan(0.06);
    assertThat(halfError).as("half-way through the decay").isLessThan(0.03);
    assertThat(plainHalfError).isGreaterThan(10 * halfError);
    assertThat(threeQuarterError).isLessThan(0.01);
    assertThat(last(latest(ScheduleForecast.FORM)).getLower()).isLessThanOrEqualTo(finalLoss);
    assertThat(last(latest(ScheduleForecast.FORM)).getUpper()).isGreaterThanOrEqualTo(finalLoss);
    assertThat(harness.extractOutputValues()).as("no alert through the warm-down").isEmpty();
  }

  @Test
  void shouldHoldTheLastLearningRateWithoutAPlanAndSaySo() throws Exception {
    runRecord(Map.of());
    feed(10, 10_000, true);

    Fit held = latest(ScheduleForecast.FORM_HELD);
    assertThat(fits(ScheduleForecast.FORM)).isEmpty();
    assertThat(last(held).getX()).as("planned tokens / tokens per step").isEqualTo(TOTAL);
    assertThat(last(held).getY())
        .as("constant learning rate to the end: the law at 20k without annealing")
        .isCloseTo(2.0 + 1.2 * Math.pow(PEAK * (TOTAL - WARMUP), -0.5), within(0.03));
  }

  @Test
  void shouldPublishOnlyTheLearningCurveForARunWithoutLearningRate() throws Exception {
    runRecord(wsdPlan());
    feed(10, 12_000, false);

    assertThat(fits("power-law-floor")).isNotEmpty();
    assertThat(fits(ScheduleForecast.FORM)).isEmpty();
    assertThat(fits(ScheduleForecast.FORM_HELD)).isEmpty();
  }

  /** A step schedule: the learning rate falls to a tenth at step 12,000, the loss within ~50. */
  void stepDropRun(boolean withLr) throws Exception {
    lrFn = RunMonitorScheduleTest::stepLr;
    truthSchedule = schedule(lrFn, 0.98);
    c = 30;
    runRecord(Map.of());
    feed(10, 14_000, withLr);
  }

  @Test
  void shouldStillReportALevelShiftWhenTheRunLogsNoLearningRate() throws Exception {
    stepDropRun(false);
    assertThat(alerts(AlertKind.LEVEL_SHIFT)).hasSize(1);
    assertThat(alerts(AlertKind.LEVEL_SHIFT).get(0).getSummary())
        .contains("x its level from step 120");
  }

  @Test
  void shouldStillReportALaterShiftTheScheduleDoesNotExplain() throws Exception {
    lrFn = RunMonitorScheduleTest::stepLr;
    truthSchedule = schedule(lrFn);
    shiftAt = 15_000;
    shiftBy = 0.8;
    runRecord(Map.of());
    feed(10, 17_000, true);
    assertThat(alerts(AlertKind.LEVEL_SHIFT)).hasSize(1);
    assertThat(alerts(AlertKind.LEVEL_SHIFT).get(0).getSummary()).contains("from step 150");
  }

  @Test
  void shouldNotReportTheDropOfAStepScheduleWhenTheLearningRateIsLogged() throws Exception {
    stepDropRun(true);
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(fits(ScheduleForecast.FORM_HELD)).isNotEmpty();
  }
}
