package dev.scalewatch.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.testing.ObsScalingReplay;
import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream jobs inside {@code scalewatch up}, fed through the ingest path (raw topic, normalizer)
 * and read from {@code scalewatch.alerts} and {@code scalewatch.fits} with read_committed.
 */
class StreamJobsIT {

  static final Duration STALL_GAP = Duration.ofSeconds(8);
  static final Path DATA = ObsScalingReplay.DATA;

  @RegisterExtension static final RunningStack stack = new RunningStack().stallGap(STALL_GAP);
  static SchemaRegistryClient registry;

  @BeforeAll
  static void connect() {
    registry = SchemaRegistryClients.forUrl(stack.registryUrl());
  }

  @AfterAll
  static void close() {
    registry.close();
  }

  List<Alert> alertsUntil(Predicate<List<Alert>> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Alert> alerts = List.of();
    while (System.nanoTime() < deadline) {
      alerts = readAlerts();
      if (done.test(alerts)) {
        return alerts;
      }
      Thread.sleep(1000);
    }
    return alerts;
  }

  List<Alert> readAlerts() {
    return StackClients.readAlerts(stack.bootstrapServers(), registry);
  }

  @Test
  void shouldRaiseOneEmergenceAlertForGptNeoTwoDigitAdditionAndNoneForXglm() throws Exception {
    ObsScalingReplay.replay(stack);

    Predicate<Alert> neoAddition =
        a ->
            a.getKind() == AlertKind.EMERGENCE
                && "arithmetic_2da_2_acc".equals(a.getTask())
                && "GPT-Neo/J".equals(a.getLabels().get("model_family"));
    List<Alert> alerts =
        alertsUntil(list -> list.stream().anyMatch(neoAddition), Duration.ofSeconds(90));
    Thread.sleep(3000); // later refits must not raise it again
    alerts = readAlerts();

    List<Alert> neo = alerts.stream().filter(neoAddition).toList();
    assertThat(neo).hasSize(1);
    assertThat(neo.get(0).getState()).isEqualTo(AlertState.FIRING);
    // Where the jump is: the sigmoid's midpoint (4.46e9 [4.22e9, 4.74e9] on all five sizes)
    // with its 95% interval, between the two sizes the accuracy jumps between.
    assertThat(neo.get(0).getPredictedXInterval().getLevel()).isEqualTo(0.95);
    assertThat(neo.get(0).getPredictedXInterval().getLower()).isBetween(2.7e9, 6.05e9);
    assertThat(neo.get(0).getPredictedXInterval().getUpper()).isBetween(2.7e9, 6.05e9);
    assertThat(alerts)
        .filteredOn(a -> "XGLM".equals(a.getLabels().get("model_family")))
        .extracting(Alert::getKind)
        .doesNotContain(AlertKind.EMERGENCE);

    StringWriter printed = new StringWriter();
    int exit =
        ScaleWatch.commandLine()
            .setOut(new PrintWriter(printed))
            .execute(
                "alerts",
                "--project",
                "obsscaling",
                "--kind",
                "emergence",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry-url",
                stack.registryUrl());
    assertThat(exit).isZero();
    assertThat(printed.toString())
        .as("alerts prints each alert once and ends at the end of the topic")
        .containsOnlyOnce("arithmetic_2da_2_acc acc of GPT-Neo/J jumps")
        .containsPattern("midpoint \\S+ \\[\\S+, \\S+\\] \\(95%\\)")
        .containsPattern("\\[params=4\\.\\d{3}e\\+09 in \\S+e\\+09\\.\\.\\S+e\\+09\\]");

    StringWriter fits = new StringWriter();
    exit =
        ScaleWatch.commandLine()
            .setOut(new PrintWriter(fits))
            .execute(
                "fits",
                "--key",
                "obsscaling/GPT-Neo%2FJ/arithmetic_2da_2_acc/acc/params",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry-url",
                stack.registryUrl());
    assertThat(exit).isZero();
    assertThat(fits.toString())
        .contains("obsscaling/GPT-Neo%2FJ/arithmetic_2da_2_acc/acc/params #1");
  }

  static double loss(long step) {
    return 2 + 10 * Math.pow(step, -0.3);
  }

  @Test
  void shouldAlertOnSpikeDivergenceAndStallButNotOnABlip() throws Exception {
    Random noise = new Random(3);
    List<SpecificRecord> events = new ArrayList<>();
    Instant start = Instant.now().minusSeconds(3600);
    for (String run : List.of("spiky", "blip", "nan", "lone")) {
      for (long step = 1; step <= 300; step++) {
        double value = loss(step) * Math.exp(0.01 * noise.nextGaussian());
        if (run.equals("spiky") && step >= 201 && step <= 206) {
          value = 3 * loss(step);
        }
        if (run.equals("blip") && step == 201) {
          value = 3 * loss(step);
        }
        if (run.equals("nan") && step >= 250) {
          value = Double.NaN;
        }
        if (run.equals("lone") && step > 100) {
          break;
        }
        events.add(
            MetricPoint.newBuilder(StackClients.point(run, step, value))
                .setProject("jobs-it")
                .setEventTime(start.plusSeconds(step))
                .build());
      }
      if (!run.equals("lone")) {
        events.add(
            Run.newBuilder()
                .setProject("jobs-it")
                .setRunId(run)
                .setStatus(RunStatus.FINISHED)
                .setUpdatedAt(start.plusSeconds(400))
                .setEndedAt(start.plusSeconds(400))
                .build());
      }
    }
    try (var producer = new RawEventProducer(stack.bootstrapServers(), registry, Map.of())) {
      producer.sendAllAndWait(events, Duration.ofSeconds(30));
    }

    Predicate<Alert> stall = a -> a.getKind() == AlertKind.STALL;
    List<Alert> alerts =
        alertsUntil(
                list ->
                    list.stream().anyMatch(stall)
                        && list.stream().anyMatch(a -> a.getKind() == AlertKind.DIVERGENCE)
                        && list.stream().filter(a -> a.getKind() == AlertKind.LOSS_SPIKE).count()
                            >= 2,
                Duration.ofSeconds(90))
            .stream()
            .filter(a -> "jobs-it".equals(a.getProject()))
            .toList();

    assertThat(alerts)
        .filteredOn(a -> a.getKind() == AlertKind.LOSS_SPIKE)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("spiky", AlertState.FIRING),
            org.assertj.core.groups.Tuple.tuple("spiky", AlertState.RESOLVED));
    assertThat(alerts)
        .filteredOn(a -> a.getKind() == AlertKind.DIVERGENCE)
        .extracting(Alert::getRunId)
        .containsExactly("nan");
    assertThat(alerts).filteredOn(stall).extracting(Alert::getRunId).containsExactly("lone");
    assertThat(alerts).extracting(Alert::getRunId).doesNotContain("blip");
  }

  /** The noiseless 1-break BNSL of the BNSL paper (SCIENCE.md): break at x = 612.6. */
  static double bnsl(double x) {
    double a = 0.414, b = 2.277, c0 = 0.0551, c1 = 5.663, d1 = 612.6, f1 = 0.0592;
    return a + b * Math.pow(x, -c0) * Math.pow(1 + Math.pow(x / d1, 1 / f1), -c1 * f1);
  }

  static List<SpecificRecord> curveEvals(List<Long> steps, Random noise, Instant start) {
    List<SpecificRecord> evals = new ArrayList<>();
    for (long step : steps) {
      evals.add(
          EvalResult.newBuilder()
              .setProject("bnsl-it")
              .setRunId("curve")
              .setStep(step)
              .setTask("probe")
              .setMetric("loss")
              .setValue(bnsl(step) * Math.exp(0.001 * noise.nextGaussian()))
              .setEventTime(start.plusSeconds(step))
              .build());
    }
    return evals;
  }

  @Test
  void shouldForecastWhereATransitionCompletesAndResolveWhenThePointsGetThere() throws Exception {
    double trueEnd = 612.6 * Math.pow(9, 0.0592);
    List<Long> before = new ArrayList<>();
    for (double x = 1; x < 500; x *= 1.15) {
      before.add(Math.round(x));
    }
    for (long x = 500; x <= 640; x += 4) {
      before.add(x);
    }
    List<Long> after = new ArrayList<>();
    for (long x = 660; x <= 1200; x += 20) {
      after.add(x);
    }
    Random noise = new Random(7);
    Instant start = Instant.now().minusSeconds(7200);
    Predicate<Alert> inflection =
        a -> a.getKind() == AlertKind.PREDICTED_INFLECTION && "bnsl-it".equals(a.getProject());
    try (var producer = new RawEventProducer(stack.bootstrapServers(), registry, Map.of())) {
      producer.sendAllAndWait(
          curveEvals(before.stream().distinct().toList(), noise, start), Duration.ofSeconds(30));
      List<Alert> forecasts =
          alertsUntil(l -> l.stream().anyMatch(inflection), Duration.ofSeconds(60)).stream()
              .filter(inflection)
              .toList();
      assertThat(forecasts).hasSize(1);
      Alert forecast = forecasts.get(0);
      assertThat(forecast.getXAxis()).isEqualTo("steps");
      assertThat(forecast.getPredictedXInterval().getLower()).isLessThanOrEqualTo(trueEnd);
      assertThat(forecast.getPredictedXInterval().getUpper()).isGreaterThanOrEqualTo(trueEnd);

      producer.sendAllAndWait(curveEvals(after, noise, start), Duration.ofSeconds(30));
    }
    List<Alert> lifecycle =
        alertsUntil(l -> l.stream().filter(inflection).count() >= 2, Duration.ofSeconds(60))
            .stream()
            .filter(inflection)
            .toList();
    assertThat(lifecycle)
        .extracting(Alert::getState)
        .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
    assertThat(lifecycle.get(1).getId()).isEqualTo(lifecycle.get(0).getId());
  }
}
