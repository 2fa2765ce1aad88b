package dev.scalewatch.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.jobs.run.RunMonitorJob;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunEnricherTest {

  static final long WAIT = 10_000;
  KeyedTwoInputStreamOperatorTestHarness<String, EvalResult, Run, SweepPoint> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new RunEnricher(WAIT, PointSelection.LATEST),
            new SweepFitterJob.EvalRunKey(),
            new RunMonitorJob.RunKey(),
            Types.STRING);
    harness.setProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static EvalResult eval(double value) {
    return EvalResult.newBuilder()
        .setProject("p")
        .setRunId("r1")
        .setStep(500)
        .setTokensSeen(1_000_000L)
        .setFlops(6e15)
        .setTask("hellaswag")
        .setMetric("acc")
        .setValue(value)
        .setParameters(1_000_000_000L)
        .setEventTime(Instant.EPOCH)
        .build();
  }

  static Run run() {
    return Run.newBuilder()
        .setProject("p")
        .setRunId("r1")
        .setModelFamily("pythia")
        .setStatus(RunStatus.RUNNING)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }

  @Test
  void shouldHoldAnEvalUntilItsRunArrivesAndThenUseTheFamily() throws Exception {
    harness.processElement1(new StreamRecord<>(eval(0.4)));
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processElement2(new StreamRecord<>(run()));
    assertThat(harness.extractOutputValues())
        .extracting(p -> p.sweepKey)
        .containsExactlyInAnyOrder(
            "p/pythia/hellaswag/acc/params",
            "p/pythia/hellaswag/acc/tokens",
            "p/pythia/hellaswag/acc/flops",
            "p/run:r1/hellaswag/acc/steps");
    assertThat(harness.extractOutputValues())
        .filteredOn(p -> p.axis.equals("params"))
        .extracting(p -> p.pointId)
        .containsExactly("p/r1");
  }

  @Test
  void shouldJoinWithoutAFamilyWhenTheRunDoesNotArriveInTime() throws Exception {
    harness.processElement1(new StreamRecord<>(eval(0.4)));
    harness.setProcessingTime(WAIT);
    assertThat(harness.extractOutputValues())
        .extracting(p -> p.family)
        .containsOnly(RunEnricher.NO_FAMILY)
        .hasSize(4);
  }

  @Test
  void shouldMakeCrossRunPointsOnlyOfTheEvalAtTheSelectedStep() throws Exception {
    harness.close();
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new RunEnricher(WAIT, PointSelection.parse("step:1000")),
            new SweepFitterJob.EvalRunKey(),
            new RunMonitorJob.RunKey(),
            Types.STRING);
    harness.processElement2(new StreamRecord<>(run()));
    harness.processElement1(new StreamRecord<>(eval(0.4))); // step 500
    assertThat(harness.extractOutputValues()).extracting(p -> p.axis).containsExactly("steps");
  }

  @Test
  void shouldRefuseAPointSelectionItCannotRead() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PointSelection.parse("step:-3"))
        .hasMessage("sweep-point must be latest, step:N or tokens:N with N > 0: step:-3");
  }

  @Test
  void shouldMakeNoPointOfANanEval() throws Exception {
    harness.processElement2(new StreamRecord<>(run()));
    harness.processElement1(new StreamRecord<>(eval(Double.NaN)));
    assertThat(harness.extractOutputValues()).isEmpty();
  }
}
