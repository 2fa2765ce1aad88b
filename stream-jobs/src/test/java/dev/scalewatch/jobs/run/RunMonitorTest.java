package dev.scalewatch.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.laws.run.LossWatch;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunMonitorTest {

  static final long STALL_GAP = 60_000;
  static final long FIT_INTERVAL = 1_000;

  KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Run, Alert> harness;
  final Random noise = new Random(11);

  @BeforeEach
  void open() throws Exception {
    harness = harness(STALL_GAP, FIT_INTERVAL);
  }

  /** A monitor of metrics named like loss with the default watch, at processing time 0. */
  static KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Run, Alert> harness(
      long stallGap, long fitInterval) throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new RunMonitor(stallGap, fitInterval, "(?i).*loss.*", LossWatch.defaults()),
            new RunMonitorJob.PointRunKey(),
            new RunMonitorJob.RunKey(),
            Types.STRING);
    h.setProcessingTime(0);
    return h;
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static double loss(long step) {
    return 2 + 10 * Math.pow(step, -0.3);
  }

  void send(String project, String run, long step, double value) throws Exception {
    MetricPoint p =
        MetricPoint.newBuilder()
            .setProject(project)
            .setRunId(run)
            .setStep(step)
            .setTokensSeen(step * 1000)
            .setMetric("train/loss")
            .setValue(value)
            .setEventTime(Instant.ofEpochSecond(1_700_000_000L + step))
            .build();
    harness.processElement1(new StreamRecord<>(p, p.getEventTime().toEpochMilli()));
  }

  void sendCurve(String project, String run, long from, long to) throws Exception {
    for (long step = from; step <= to; step++) {
      send(project, run, step, loss(step) * Math.exp(0.01 * noise.nextGaussian()));
    }
  }

  List<Alert> alerts() {
    return harness.extractOutputValues();
  }

  List<Alert> alerts(AlertKind kind) {
    return alerts().stream().filter(a -> a.getKind() == kind).toList();
  }

  @Test
  void shouldFireASpikeAndResolveTheSameIdWhenItRecovers() throws Exception {
    sendCurve("p", "r1", 1, 200);
    for (long step = 201; step <= 205; step++) {
      send("p", "r1", step, 3 * loss(step));
    }
    sendCurve("p", "r1", 206, 230);

    List<Alert> spikes = alerts(AlertKind.LOSS_SPIKE);
    assertThat(spikes)
        .extracting(Alert::getState)
        .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    assertThat(spikes.get(0).getId())
        .isEqualTo(spikes.get(1).getId())
        .isEqualTo("spike/p/r1/train/loss/201");
    assertThat(spikes.get(0).getSummary()).contains("step 201");
    assertThat(spikes.get(1).getEndsAt()).isNotNull();
  }

  @Test
  void shouldRaiseNothingForAOneStepBlip() throws Exception {
    sendCurve("p", "r1", 1, 200);
    send("p", "r1", 201, 3 * loss(201));
    sendCurve("p", "r1", 202, 260);
    assertThat(alerts()).isEmpty();
  }

  @Test
  void shouldRaiseDivergenceOnNanAndNoFurtherSpikes() throws Exception {
    sendCurve("p", "r1", 1, 200);
    send("p", "r1", 201, Double.NaN);
    sendCurve("p", "r1", 202, 220);
    for (long step = 221; step <= 225; step++) {
      send("p", "r1", step, 4 * loss(step));
    }
    sendCurve("p", "r1", 226, 240);

    assertThat(alerts(AlertKind.DIVERGENCE)).hasSize(1);
    assertThat(alerts(AlertKind.DIVERGENCE).get(0).getSummary()).contains("NaN at step 201");
    assertThat(alerts(AlertKind.LOSS_SPIKE)).isEmpty();
  }

  @Test
  void shouldResolveAnOpenSpikeWhenTheRunDiverges() throws Exception {
    sendCurve("p", "r1", 1, 200);
    send("p", "r1", 201, 3 * loss(201));
    send("p", "r1", 202, 3 * loss(202));
    send("p", "r1", 203, Double.POSITIVE_INFINITY);

    List<Alert> spikes = alerts(AlertKind.LOSS_SPIKE);
    assertThat(spikes)
        .extracting(Alert::getState)
        .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    assertThat(spikes.get(1).getSummary()).contains("superseded by divergence");
    assertThat(alerts(AlertKind.DIVERGENCE)).hasSize(1);
  }

  @Test
  void shouldRaiseAStallForALoneRunWhenNothingElseArrives() throws Exception {
    sendCurve("p", "lone", 1, 20);
    harness.setProcessingTime(STALL_GAP - 1);
    assertThat(alerts(AlertKind.STALL)).isEmpty();

    harness.setProcessingTime(STALL_GAP);
    assertThat(alerts(AlertKind.STALL)).hasSize(1);
    Alert stall = alerts(AlertKind.STALL).get(0);
    assertThat(stall.getId()).isEqualTo("stall/p/lone/20");
    assertThat(stall.getSummary()).contains("since step 20");

    send("p", "lone", 21, loss(21));
    assertThat(alerts(AlertKind.STALL))
        .extracting(Alert::getState)
        .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
  }

  @Test
  void shouldNotStallARunThatFinished() throws Exception {
    sendCurve("p", "done", 1, 20);
    harness.processElement2(
        new StreamRecord<>(
            Run.newBuilder()
                .setProject("p")
                .setRunId("done")
                .setStatus(RunStatus.FINISHED)
                .setUpdatedAt(Instant.EPOCH)
                .build()));
    harness.setProcessingTime(10 * STALL_GAP);
    assertThat(alerts(AlertKind.STALL)).isEmpty();
  }

  @Test
  void shouldKeepTwoProjectsWithTheSameRunIdApart() throws Exception {
    sendCurve("a", "run-1", 1, 200);
    sendCurve("b", "run-1", 1, 200);
    for (long step = 201; step <= 205; step++) {
      send("a", "run-1", step, 3 * loss(step));
      send("b", "run-1", step, loss(step));
    }
    assertThat(alerts(AlertKind.LOSS_SPIKE)).extracting(Alert::getProject).containsExactly("a");
  }

  @Test
  void shouldFitTheLearningCurveAndForecastAtThePlannedSteps() throws Exception {
    harness.processElement2(
        new StreamRecord<>(
            Run.newBuilder()
                .setProject("p")
                .setRunId("r1")
                .setPlannedTokens(5_000_000L)
                .setStatus(RunStatus.RUNNING)
                .setUpdatedAt(Instant.EPOCH)
                .build()));
    sendCurve("p", "r1", 1, 1000);
    harness.setProcessingTime(FIT_INTERVAL);

    List<Fit> fits =
        harness.getSideOutput(RunMonitor.FITS).stream().map(StreamRecord::getValue).toList();
    assertThat(fits).hasSize(1);
    Fit fit = fits.get(0);
    assertThat(fit.getKey()).isEqualTo("p/r1/train/loss/steps");
    assertThat(fit.getPointCount()).isLessThanOrEqualTo(LearningCurve.CAPACITY);
    var last = fit.getBand().get(fit.getBand().size() - 1);
    assertThat(last.getX())
        .as("planned steps = 5e6 tokens / 1000 per step")
        .isEqualTo(5000.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(last.getLower()).isLessThanOrEqualTo(loss(5000)).as("truth inside the band");
    assertThat(last.getUpper()).isGreaterThanOrEqualTo(loss(5000));
  }

  @Test
  void shouldKeepTheCurveSampleBoundedHoweverLongTheRun() {
    CurveState curve = new CurveState();
    for (long step = 1; step <= 1_000_000; step++) {
      LearningCurve.add(curve, step, loss(step));
    }
    assertThat(curve.steps.length).isEqualTo(LearningCurve.CAPACITY);
    assertThat(curve.size).isLessThanOrEqualTo(LearningCurve.CAPACITY);
    assertThat(curve.steps[curve.size - 1]).as("the sample spans the run").isGreaterThan(900_000);
  }
}
