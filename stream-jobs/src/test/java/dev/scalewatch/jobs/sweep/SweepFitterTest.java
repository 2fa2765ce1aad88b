package dev.scalewatch.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.jobs.Keys;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Fit;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SweepFitterTest {

  static final long COALESCE = 500;
  static final long SETTLE = 2000;

  KeyedOneInputStreamOperatorTestHarness<String, SweepPoint, Fit> harness;

  @BeforeEach
  void open() throws Exception {
    harness = harness(new java.util.HashMap<>(java.util.Map.of("lm", 1.9)));
  }

  /** A harness around a fitter with the test's coalescing and settle times, at time 0. */
  static KeyedOneInputStreamOperatorTestHarness<String, SweepPoint, Fit> harness(
      java.util.HashMap<String, Double> targets) throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SweepFitter(COALESCE, SETTLE, 10, targets), p -> p.sweepKey, Types.STRING);
    h.setProcessingTime(0);
    return h;
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static SweepPoint point(String task, String metric, String run, double x, double y, long step) {
    SweepPoint p = new SweepPoint();
    p.project = "p";
    p.family = "fam";
    p.task = task;
    p.metric = metric;
    p.axis = "params";
    p.sweepKey = Keys.join("p", "fam", task, metric, "params");
    p.pointId = Keys.run("p", run);
    p.x = x;
    p.y = y;
    p.stderr = Double.NaN;
    p.step = step;
    p.eventTime = 1_000 + step;
    return p;
  }

  void send(SweepPoint p) throws Exception {
    harness.processElement(new StreamRecord<>(p, p.eventTime));
  }

  List<Fit> fits() {
    return harness.extractOutputValues();
  }

  List<Alert> alerts() {
    var out = harness.getSideOutput(SweepFitter.ALERTS);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
  }

  /** A smooth loss law over eight sizes: 1.7 + 400 / N^0.3. */
  void sendSmoothLoss(int sizes, long step) throws Exception {
    for (int i = 0; i < sizes; i++) {
      double n = 1e7 * Math.pow(3, i);
      send(point("lm", "loss", "r" + i, n, 1.7 + 400 / Math.pow(n, 0.3), step));
    }
  }

  @Test
  void shouldRefitAtMostOncePerCoalesceWindowHoweverFastPointsArrive() throws Exception {
    sendSmoothLoss(8, 1);
    assertThat(fits()).as("nothing before the window closes").isEmpty();

    harness.setProcessingTime(COALESCE);
    assertThat(fits()).hasSize(1);
    assertThat(fits().get(0).getPointCount()).isEqualTo(8);
    assertThat(fits().get(0).getSequence()).isEqualTo(1);

    sendSmoothLoss(8, 2);
    sendSmoothLoss(8, 3);
    harness.setProcessingTime(COALESCE + 10);
    assertThat(fits()).as("the next window has not closed").hasSize(1);
  }

  @Test
  void shouldForecastTheSizeThatReachesAConfiguredTarget() throws Exception {
    sendSmoothLoss(8, 1); // task "lm" has the target loss 1.9, reached at N = 2000^(1/0.3)
    harness.setProcessingTime(COALESCE);
    var target = fits().get(0).getTargets().get(0);
    double truth = Math.pow(2000, 1 / 0.3);
    assertThat(target.getStatus()).isEqualTo("FORECAST");
    assertThat(target.getX()).isCloseTo(truth, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(target.getInterval().getLower()).isLessThanOrEqualTo(truth);
    assertThat(target.getInterval().getUpper()).isGreaterThanOrEqualTo(truth);
  }

  @Test
  void shouldKeepOnlyTheLatestPointOfEachRunAndCountEveryRun() throws Exception {
    for (int run = 0; run < 40; run++) {
      double n = 1e7 * Math.pow(1.2, run);
      send(point("lm", "loss", "r" + run, n, 9.9, 1));
      send(point("lm", "loss", "r" + run, n, 1.7 + 400 / Math.pow(n, 0.3), 2));
      send(point("lm", "loss", "r" + run, n, 99, 0)); // an older step arriving late: ignored
    }
    harness.setProcessingTime(COALESCE);
    Fit fit = fits().get(fits().size() - 1);
    assertThat(fit.getPointCount()).isEqualTo(40);
    assertThat(fit.getErrorInSample()).as("the law of the latest points").isLessThan(1e-3);
  }

  @Test
  void shouldCountALatePointAndStillUseIt() throws Exception {
    harness.processWatermark(1_000_000);
    sendSmoothLoss(5, 1); // event times around 1,000: far behind the watermark
    harness.setProcessingTime(COALESCE);
    assertThat(fits()).hasSize(1);
    assertThat(fits().get(0).getPointCount()).isEqualTo(5);
  }

  @Test
  void shouldRaiseOneEmergenceAlertBetweenTheTwoSizesOfTheJump() throws Exception {
    double[] sizes = {1.25e8, 3.5e8, 7.6e8, 1.3e9, 2.7e9, 6e9};
    double[] acc = {0.01, 0.012, 0.009, 0.015, 0.02, 0.41};
    for (int i = 0; i < sizes.length; i++) {
      send(point("add2", "acc", "r" + i, sizes[i], acc[i], 1));
    }
    harness.setProcessingTime(COALESCE);
    harness.setProcessingTime(COALESCE + SETTLE);
    sendSmoothLoss(3, 1); // another key, to see that refits elsewhere do not re-fire it
    send(point("add2", "acc", "r5", 6e9, 0.42, 2));
    harness.setProcessingTime(3 * (COALESCE + SETTLE));

    List<Alert> emergence =
        alerts().stream().filter(a -> a.getKind() == AlertKind.EMERGENCE).toList();
    assertThat(emergence).hasSize(1);
    Alert alert = emergence.get(0);
    assertThat(alert.getState()).isEqualTo(AlertState.FIRING);
    assertThat(alert.getTask()).isEqualTo("add2");
    // Where the jump is: the sigmoid's midpoint up to the peak, with its 95% profile interval,
    // which lies across the two sizes of the jump.
    assertThat(alert.getPredictedXInterval().getLevel()).isEqualTo(0.95);
    assertThat(alert.getPredictedXInterval().getLower()).isBetween(2.7e9, 6e9);
    assertThat(alert.getPredictedXInterval().getUpper()).isBetween(6e9, 1e10);
    assertThat(alert.getPredictedX())
        .isBetween(
            alert.getPredictedXInterval().getLower(), alert.getPredictedXInterval().getUpper());
    assertThat(alert.getEvidence()).contains("(6.000e+09, 0.4100)");
  }

  @Test
  void shouldRaiseAForecastMissForARunAboveItsSweepsLawAndNoneForTheOthers() throws Exception {
    var noise = new java.util.Random(3);
    for (int i = 0; i < 12; i++) {
      double n = 1e7 * Math.pow(2, i);
      double loss = (1.7 + 400 / Math.pow(n, 0.3)) * Math.exp(0.005 * noise.nextGaussian());
      send(point("lm", "loss", "r" + i, n, i == 6 ? loss * 1.25 : loss, 1));
    }
    harness.setProcessingTime(COALESCE);

    List<Alert> misses =
        alerts().stream().filter(a -> a.getKind() == AlertKind.FORECAST_MISS).toList();
    assertThat(misses)
        .extracting(Alert::getId)
        .containsExactly("forecast-miss/p/fam/lm/loss/params/p/r6");
    assertThat(misses.get(0).getSummary()).startsWith("run r6 misses its sweep's law");

    send(point("lm", "loss", "r6", 1e7 * Math.pow(2, 6), 1.7 + 400 / Math.pow(6.4e8, 0.3), 2));
    harness.setProcessingTime(2 * COALESCE + SETTLE);
    assertThat(alerts().stream().filter(a -> a.getKind() == AlertKind.FORECAST_MISS))
        .extracting(Alert::getState)
        .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
  }

  @Test
  void shouldNotRaiseEmergenceOnASmoothlyImprovingTask() throws Exception {
    double[] sizes = {1.25e8, 3.5e8, 7.6e8, 1.3e9, 2.7e9, 6e9};
    for (int i = 0; i < sizes.length; i++) {
      send(point("smooth", "acc", "r" + i, sizes[i], 0.1 + 0.1 * i, 1));
    }
    harness.setProcessingTime(COALESCE + SETTLE);
    assertThat(alerts()).extracting(Alert::getKind).doesNotContain(AlertKind.EMERGENCE);
  }

  @Test
  void shouldGiveNoFitAndNoFailureForATaskWithOneRun() throws Exception {
    send(point("lonely", "acc", "r0", 1e9, 0.3, 1));
    harness.setProcessingTime(COALESCE + SETTLE);
    assertThat(fits()).isEmpty();
    assertThat(alerts()).isEmpty();
  }

  /** The noiseless 1-break BNSL of the BNSL paper (SCIENCE.md): break at x = 612.6. */
  static double bnsl(double x) {
    double a = 0.414, b = 2.277, c0 = 0.0551, c1 = 5.663, d1 = 612.6, f1 = 0.0592;
    return a + b * Math.pow(x, -c0) * Math.pow(1 + Math.pow(x / d1, 1 / f1), -c1 * f1);
  }

  @Test
  void shouldForecastWhereAnUnderwayTransitionCompletes() throws Exception {
    double trueEnd = 612.6 * Math.pow(9, 0.0592);
    List<Double> xs = new java.util.ArrayList<>();
    for (double x = 1; x < 500; x *= 1.15) {
      xs.add(Math.rint(x));
    }
    for (double x = 500; x <= 640; x += 4) {
      xs.add(x);
    }
    long t = 0;
    var noise = new java.util.Random(7);
    for (double x : xs.stream().distinct().collect(Collectors.toList())) {
      double y = bnsl(x) * Math.exp(0.001 * noise.nextGaussian());
      send(point("curve", "loss", "x" + x, x, y, 1));
      t += 100;
      harness.setProcessingTime(t);
    }
    harness.setProcessingTime(t + COALESCE + SETTLE);

    List<Alert> forecasts =
        alerts().stream().filter(a -> a.getKind() == AlertKind.PREDICTED_INFLECTION).toList();
    assertThat(forecasts).as("one forecast, fired once").hasSize(1);
    Alert forecast = forecasts.get(0);
    assertThat(forecast.getPredictedXInterval().getLower()).isLessThanOrEqualTo(trueEnd);
    assertThat(forecast.getPredictedXInterval().getUpper()).isGreaterThanOrEqualTo(trueEnd);
    Fit last = fits().get(fits().size() - 1);
    assertThat(last.getBreakCount()).isEqualTo(1);
    assertThat(last.getBreaks().get(0).getLocation()).isBetween(600.0, 625.0);
  }
}
