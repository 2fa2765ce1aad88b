package dev.scalewatch.sinks.store;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Contract records for the sinks' tests. */
public final class TestRecords {

  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestRecords() {}

  public static MetricPoint point(String runId, String metric, long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setStep(step)
        .setEventTime(T0.plusMillis(step))
        .setMetric(metric)
        .setValue(value)
        .build();
  }

  public static Run run(String runId, RunStatus status) {
    return Run.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setName("run " + runId)
        .setParameters(70_000_000L)
        .setStatus(status)
        .setTags(Map.of("owner", "ana"))
        .setUpdatedAt(T0)
        .build();
  }

  public static EvalResult eval(String runId, String task, long step, Integer shots, double value) {
    return EvalResult.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setStep(step)
        .setTask(task)
        .setMetric("accuracy")
        .setShots(shots)
        .setValue(value)
        .setEventTime(T0.plusMillis(step))
        .build();
  }

  public static Fit fit(String key, String task, long sequence, double exponent) {
    return Fit.newBuilder()
        .setProject("p")
        .setScope(FitScope.SWEEP)
        .setKey(key)
        .setMetric("accuracy")
        .setTask(task)
        .setXAxis("params")
        .setForm("power_law")
        .setParameters(
            List.of(
                dev.scalewatch.schemas.ParameterEstimate.newBuilder()
                    .setName("b")
                    .setValue(exponent)
                    .build()))
        .setXMin(7e7)
        .setXMax(6.9e9)
        .setPointCount(6)
        .setErrorInSample(0.01)
        .setFitDurationMicros(800)
        .setSequence(sequence)
        .setEventTime(T0)
        .build();
  }

  public static Alert alert(String id, AlertState state, Instant startsAt) {
    return Alert.newBuilder()
        .setId(id)
        .setKind(AlertKind.LOSS_SPIKE)
        .setSeverity(Severity.WARNING)
        .setState(state)
        .setProject("p")
        .setRunId("r1")
        .setMetric("train/loss")
        .setSummary("loss spiked at step 40")
        .setStartsAt(startsAt)
        .setEndsAt(state == AlertState.RESOLVED ? startsAt.plusSeconds(60) : null)
        .build();
  }
}
