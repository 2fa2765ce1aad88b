package dev.scalewatch.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.jobs.testing.CollectingSink;
import dev.scalewatch.jobs.testing.ListThenIdleSource;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The sweep fitter as a whole job on a MiniCluster at parallelism 2: runs and evals from two
 * sources (some evals before their run), one emergent task and one smooth task in the same sweep,
 * and a second project reusing the same run ids.
 */
class SweepFitterJobIT {

  static final double[] SIZES = {1.25e8, 3.5e8, 7.6e8, 1.3e9, 2.7e9, 6e9};
  static final double[] EMERGENT = {0.01, 0.012, 0.009, 0.015, 0.02, 0.41};

  static Run run(String project, String id, long params) {
    return Run.newBuilder()
        .setProject(project)
        .setRunId(id)
        .setModelFamily("neo")
        .setParameters(params)
        .setStatus(RunStatus.FINISHED)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }

  static EvalResult eval(String project, String run, String task, long params, double value) {
    return EvalResult.newBuilder()
        .setProject(project)
        .setRunId(run)
        .setStep(1000)
        .setTask(task)
        .setMetric("acc")
        .setValue(value)
        .setParameters(params)
        .setEventTime(Instant.ofEpochSecond(1_700_000_000L))
        .build();
  }

  @Test
  void shouldRaiseOneEmergenceAlertAndReflectEveryEvalInItsSweep() throws Exception {
    List<Run> runs = new ArrayList<>();
    List<EvalResult> evals = new ArrayList<>();
    for (int i = 0; i < SIZES.length; i++) {
      long n = (long) SIZES[i];
      for (String project : List.of("alpha", "beta")) {
        runs.add(run(project, "run-" + i, n));
        evals.add(
            eval(project, "run-" + i, "add2", n, project.equals("alpha") ? EMERGENT[i] : 0.5));
        evals.add(eval(project, "run-" + i, "smooth", n, 0.1 + 0.1 * i));
      }
    }
    CollectingSink.clear();
    var env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setParallelism(2);
    var evalStream =
        ListThenIdleSource.of(
            env,
            evals,
            eval("idle", "idle", "idle", 1, 0),
            TypeInformation.of(EvalResult.class),
            WatermarkStrategy.noWatermarks(),
            "evals");
    var runStream =
        ListThenIdleSource.of(
            env,
            runs,
            run("idle", "idle", 1),
            TypeInformation.of(Run.class),
            WatermarkStrategy.noWatermarks(),
            "runs");
    var out =
        new SweepFitterJob(
                Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofMillis(600), 10)
            .build(evalStream, runStream);
    out.fits().sinkTo(new CollectingSink<>());
    out.alerts().sinkTo(new CollectingSink<>());
    var job = env.executeAsync("sweep-fitter-it");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && !complete(latestFits())) {
        Thread.sleep(200);
      }
      Thread.sleep(1500); // a settle round after the last fit
    } finally {
      job.cancel().get();
    }

    Map<String, Fit> fits = latestFits();
    assertThat(complete(fits)).as("fits %s", fits.keySet()).isTrue();
    assertThat(fits.get("alpha/neo/smooth/acc/params").getPointCount()).isEqualTo(SIZES.length);
    assertThat(fits.get("beta/neo/add2/acc/params").getPointCount()).isEqualTo(SIZES.length);
    List<Alert> emergence =
        CollectingSink.values().stream()
            .filter(Alert.class::isInstance)
            .map(Alert.class::cast)
            .filter(a -> a.getKind() == AlertKind.EMERGENCE)
            .toList();
    assertThat(emergence).hasSize(1);
    assertThat(emergence.get(0).getId()).isEqualTo("emergence/alpha/neo/add2/acc/params");
    // Where the jump is: the sigmoid's midpoint with its 95% interval, across the jump's sizes.
    var jumpAt = emergence.get(0).getPredictedXInterval();
    assertThat(jumpAt.getLevel()).isEqualTo(0.95);
    assertThat(jumpAt.getLower()).isBetween(2.7e9, 6e9);
    assertThat(jumpAt.getUpper()).isBetween(6e9, 1e10);
  }

  /** The newest fit of each key. */
  static Map<String, Fit> latestFits() {
    return CollectingSink.values().stream()
        .filter(Fit.class::isInstance)
        .map(Fit.class::cast)
        .collect(
            Collectors.toMap(
                Fit::getKey,
                Function.identity(),
                (a, b) -> Comparator.comparingLong(Fit::getSequence).compare(a, b) >= 0 ? a : b));
  }

  /** Every sweep of both projects has a fit over all six sizes. */
  static boolean complete(Map<String, Fit> fits) {
    for (String project : List.of("alpha", "beta")) {
      for (String task : List.of("add2", "smooth")) {
        Fit fit = fits.get(project + "/neo/" + task + "/acc/params");
        if (fit == null || fit.getPointCount() != SIZES.length) {
          return false;
        }
      }
    }
    return true;
  }
}
