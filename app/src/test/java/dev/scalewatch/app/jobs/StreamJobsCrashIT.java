package dev.scalewatch.app.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.app.testing.StackProcess;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.ParameterEstimate;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of {@code scalewatch up} while the stream jobs work, then a restart on the same data
 * directory: the final sweep laws and the alerts (id, kind, final state) equal those of an
 * uninterrupted run of the same input, and no alert id fires twice.
 */
class StreamJobsCrashIT {

  static final Duration START = Duration.ofSeconds(120);
  static final Duration SETTLED = Duration.ofSeconds(20);
  static final Duration RECOVERY = Duration.ofSeconds(120);
  static final double[] SIZES = {1.25e8, 3.5e8, 7.6e8, 1.3e9, 2.7e9, 6e9};
  static final double[] EMERGENT = {0.01, 0.012, 0.009, 0.015, 0.02, 0.41};

  @TempDir Path reference;
  @TempDir Path crashed;

  /** What a run leaves on the output topics. */
  record Outcome(Map<String, Fit> sweepLaws, Map<String, String> alerts, List<Alert> records) {}

  @Test
  void shouldEndWithTheSameLawsAndAlertsAsAnUninterruptedRun() throws Exception {
    Outcome expected;
    try (StackProcess stack = new StackProcess(reference)) {
      stack.start(START);
      send(stack, phase(1));
      Thread.sleep(4000);
      send(stack, phase(2));
      Thread.sleep(SETTLED.toMillis());
      expected = outcome(stack);
    } finally {
      keepLogs(reference, "reference");
    }

    Outcome actual;
    try (StackProcess stack = new StackProcess(crashed)) {
      stack.start(START);
      send(stack, phase(1));
      Thread.sleep(4000);
      stack.kill();
      stack.start(START);
      send(stack, phase(2));
      // After a SIGKILL the transactions the dead process left open (the normalizer's and the
      // jobs' sinks') hold back read_committed readers until they are aborted: wait for that.
      long deadline = System.nanoTime() + RECOVERY.toNanos();
      do {
        Thread.sleep(SETTLED.toMillis());
        actual = outcome(stack);
      } while (System.nanoTime() < deadline
          && !(actual.alerts().equals(expected.alerts())
              && actual.sweepLaws().keySet().equals(expected.sweepLaws().keySet())));
    } finally {
      keepLogs(crashed, "crashed");
    }

    Outcome recovered = actual;
    assertThat(expected.alerts()).as("the input raises alerts").isNotEmpty();
    assertThat(actual.alerts()).isEqualTo(expected.alerts());
    Map<String, Long> firings =
        actual.records().stream()
            .filter(a -> a.getState() == AlertState.FIRING)
            .collect(Collectors.groupingBy(Alert::getId, Collectors.counting()));
    assertThat(firings).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
    assertThat(actual.sweepLaws().keySet()).isEqualTo(expected.sweepLaws().keySet());
    expected
        .sweepLaws()
        .forEach(
            (key, law) -> {
              Fit other = recovered.sweepLaws().get(key);
              assertThat(other.getForm()).as(key).isEqualTo(law.getForm());
              assertThat(other.getPointCount()).as(key).isEqualTo(law.getPointCount());
              for (int i = 0; i < law.getParameters().size(); i++) {
                ParameterEstimate p = law.getParameters().get(i);
                assertThat(other.getParameters().get(i).getValue())
                    .as("%s %s", key, p.getName())
                    .isCloseTo(p.getValue(), org.assertj.core.data.Percentage.withPercentage(1e-4));
              }
            });
  }

  /** Keeps the stack logs of a run under target/ (the temporary directory goes). */
  static void keepLogs(Path work, String name) throws java.io.IOException {
    Path logs = Path.of("target", "stream-jobs-crash-it", name);
    java.nio.file.Files.createDirectories(logs);
    try (var files = java.nio.file.Files.list(work)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        java.nio.file.Files.copy(
            log,
            logs.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Phase 1: the three smaller sizes and the first 150 steps; phase 2: the rest. */
  static List<SpecificRecord> phase(int phase) {
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    List<SpecificRecord> events = new ArrayList<>();
    for (int i = phase == 1 ? 0 : 3; i < (phase == 1 ? 3 : SIZES.length); i++) {
      long n = (long) SIZES[i];
      String run = "size-" + i;
      events.add(
          Run.newBuilder()
              .setProject("crash")
              .setRunId(run)
              .setModelFamily("neo")
              .setParameters(n)
              .setStatus(RunStatus.FINISHED)
              .setUpdatedAt(start)
              .build());
      for (String task : List.of("add2", "smooth")) {
        events.add(
            EvalResult.newBuilder()
                .setProject("crash")
                .setRunId(run)
                .setStep(1000)
                .setTask(task)
                .setMetric("acc")
                .setValue(task.equals("add2") ? EMERGENT[i] : 0.1 + 0.1 * i)
                .setEventTime(start.plusSeconds(i))
                .build());
      }
    }
    Random noise = new Random(phase);
    for (String run : List.of("spiky", "nan", "steady")) {
      for (long step = phase == 1 ? 1 : 151; step <= (phase == 1 ? 150 : 300); step++) {
        double value = (2 + 10 * Math.pow(step, -0.3)) * Math.exp(0.01 * noise.nextGaussian());
        if (run.equals("spiky") && (step >= 101 && step <= 105 || step >= 201 && step <= 205)) {
          value *= 3;
        }
        if (run.equals("nan") && step >= 250) {
          value = Double.NaN;
        }
        events.add(
            MetricPoint.newBuilder(StackClients.point(run, step, value))
                .setProject("crash")
                .setEventTime(start.plusSeconds(step))
                .build());
      }
      if (phase == 2) {
        events.add(
            Run.newBuilder()
                .setProject("crash")
                .setRunId(run)
                .setStatus(RunStatus.FINISHED)
                .setUpdatedAt(start.plusSeconds(400))
                .build());
      }
    }
    return events;
  }

  static void send(StackProcess stack, List<SpecificRecord> events) throws Exception {
    try (var registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var producer = new RawEventProducer(stack.bootstrapServers(), registry, Map.of())) {
      producer.sendAllAndWait(events, Duration.ofSeconds(60));
    }
  }

  static Outcome outcome(StackProcess stack) throws Exception {
    try (var registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
      List<Alert> alerts =
          TopicReader.readAll(
                  stack.bootstrapServers(),
                  Topics.ALERTS,
                  new StringDeserializer(),
                  AvroKafkaDeserializer.specific(registry, Alert.class),
                  1,
                  Duration.ofSeconds(20),
                  Duration.ofSeconds(2))
              .stream()
              .map(ConsumerRecord::value)
              .toList();
      Map<String, String> finalStates = new TreeMap<>();
      for (Alert a : alerts) {
        finalStates.put(a.getId(), a.getKind() + " " + a.getState());
      }
      Map<String, Fit> laws = new HashMap<>();
      for (var record :
          TopicReader.readAll(
              stack.bootstrapServers(),
              Topics.FITS,
              new StringDeserializer(),
              AvroKafkaDeserializer.specific(registry, Fit.class),
              1,
              Duration.ofSeconds(20),
              Duration.ofSeconds(2))) {
        Fit fit = record.value();
        if (fit.getScope() == FitScope.SWEEP) {
          laws.merge(fit.getKey(), fit, (a, b) -> a.getSequence() >= b.getSequence() ? a : b);
        }
      }
      return new Outcome(laws, finalStates, alerts);
    }
  }
}
