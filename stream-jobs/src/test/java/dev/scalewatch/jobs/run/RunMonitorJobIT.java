package dev.scalewatch.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.jobs.testing.CollectingSink;
import dev.scalewatch.jobs.testing.ListThenIdleSource;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The run monitor as a whole job on a MiniCluster at parallelism 2: twenty runs interleaved, one
 * with a spike that recovers, one that diverges, one that falls silent; the others finish.
 */
class RunMonitorJobIT {

  static final int RUNS = 20;

  static MetricPoint point(String run, long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("p")
        .setRunId(run)
        .setStep(step)
        .setTokensSeen(step * 4096)
        .setMetric("train/loss")
        .setValue(value)
        .setEventTime(Instant.ofEpochSecond(1_700_000_000L + step))
        .build();
  }

  static Run run(String id, RunStatus status) {
    return Run.newBuilder()
        .setProject("p")
        .setRunId(id)
        .setPlannedTokens(4096L * 2000)
        .setStatus(status)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }

  @Test
  void shouldAlertPerRunAndFitEveryLearningCurve() throws Exception {
    Random noise = new Random(5);
    List<MetricPoint> points = new ArrayList<>();
    for (long step = 1; step <= 300; step++) {
      for (int r = 0; r < RUNS; r++) {
        String run = "run-" + r;
        double value = (2 + 10 * Math.pow(step, -0.3)) * Math.exp(0.01 * noise.nextGaussian());
        if (r == 1 && step > 200 && step <= 205) {
          value *= 3;
        }
        if (r == 2 && step > 250) {
          value = Double.NaN;
        }
        if (r == 3 && step > 100) {
          continue;
        }
        points.add(point(run, step, value));
        if (r == 0) {
          double lr =
              step <= 20 ? 1e-3 * step / 20 : step <= 200 ? 1e-3 : 1e-3 * (300 - step) / 100;
          points.add(MetricPoint.newBuilder(point(run, step, lr)).setMetric("optim/lr").build());
        }
      }
    }
    List<Run> runs = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      runs.add(run("run-" + r, r == 3 ? RunStatus.RUNNING : RunStatus.FINISHED));
    }
    runs.set(
        0,
        Run.newBuilder(runs.get(0))
            .setHyperparameters(
                java.util.Map.of(
                    "lr_schedule", "wsd",
                    "lr_max", "1e-3",
                    "lr_warmup_steps", "20",
                    "lr_decay_start", "200",
                    "lr_total_steps", "300"))
            .build());

    CollectingSink.clear();
    var env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setParallelism(2);
    var out =
        new RunMonitorJob(Duration.ofSeconds(4), Duration.ofMillis(500), "(?i).*loss.*")
            .build(
                ListThenIdleSource.of(
                    env,
                    points,
                    point("idle", 1, 1),
                    TypeInformation.of(MetricPoint.class),
                    WatermarkStrategy.noWatermarks(),
                    "metrics"),
                ListThenIdleSource.of(
                    env,
                    runs,
                    run("idle", RunStatus.FINISHED),
                    TypeInformation.of(Run.class),
                    WatermarkStrategy.noWatermarks(),
                    "runs"));
    out.alerts().sinkTo(new CollectingSink<>());
    out.fits().sinkTo(new CollectingSink<>());
    var job = env.executeAsync("run-monitor-it");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && alerts(AlertKind.STALL).isEmpty()) {
        Thread.sleep(200);
      }
      Thread.sleep(1000);
    } finally {
      job.cancel().get();
    }

    assertThat(alerts(AlertKind.LOSS_SPIKE))
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("run-1", AlertState.FIRING),
            org.assertj.core.groups.Tuple.tuple("run-1", AlertState.RESOLVED));
    assertThat(alerts(AlertKind.DIVERGENCE)).extracting(Alert::getRunId).containsExactly("run-2");
    assertThat(alerts(AlertKind.STALL)).extracting(Alert::getRunId).containsExactly("run-3");
    List<String> fitted =
        CollectingSink.values().stream()
            .filter(Fit.class::isInstance)
            .map(f -> ((Fit) f).getRunId())
            .distinct()
            .toList();
    assertThat(fitted).hasSize(RUNS);
    assertThat(
            CollectingSink.values().stream()
                .filter(Fit.class::isInstance)
                .map(Fit.class::cast)
                .filter(f -> f.getForm().equals(ScheduleForecast.FORM))
                .map(Fit::getKey)
                .distinct())
        .as("only the run that logs its learning rate gets the schedule-aware fit")
        .containsExactly("p/run-0/train/loss/steps/lr_annealing");
  }

  static List<Alert> alerts(AlertKind kind) {
    return CollectingSink.values().stream()
        .filter(Alert.class::isInstance)
        .map(Alert.class::cast)
        .filter(a -> a.getKind() == kind)
        .toList();
  }
}
