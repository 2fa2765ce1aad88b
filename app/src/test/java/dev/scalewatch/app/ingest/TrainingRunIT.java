package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.client.RunOptions;
import dev.scalewatch.ingest.client.TrainingRun;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JVM client delivers every logged point and eval to the normalized topics exactly once. */
class TrainingRunIT {
  @RegisterExtension static final RunningStack stack = new RunningStack();

  @Test
  void shouldDeliverEveryPointAndEvalExactlyOnce() {
    String runId = "jvm-" + UUID.randomUUID();
    int steps = 2_000;
    try (TrainingRun run = TrainingRun.init(options(runId).params(410_000_000L).build())) {
      for (int step = 0; step < steps; step++) {
        run.log(
            Map.of("train/loss", step == 1234 ? Double.NaN : 3.0 / Math.sqrt(step + 1), "lr", 3e-4),
            step,
            step * 4096.0);
        if (step % 500 == 0) {
          run.logEval("arith_2digit_add", "accuracy", step / 4000.0, step, 0.01);
        }
      }
      run.finish(RunStatus.FINISHED);
      assertThat(run.failedEvents()).isZero();
    }

    List<MetricPoint> points = read(Topics.METRICS, MetricPoint.class, runId, 2 * steps);
    assertThat(points).hasSize(2 * steps);
    assertThat(points.stream().map(p -> p.getMetric() + "@" + p.getStep()).distinct())
        .hasSize(2 * steps);
    assertThat(points)
        .filteredOn(p -> p.getMetric().equals("train/loss") && p.getStep() == 1234)
        .singleElement()
        .satisfies(p -> assertThat(p.getValue()).isNaN());
    assertThat(points).allSatisfy(p -> assertThat(p.getParameters()).isEqualTo(410_000_000L));
    assertThat(read(Topics.EVALS, EvalResult.class, runId, 4))
        .extracting(EvalResult::getStep)
        .containsExactlyInAnyOrder(0L, 500L, 1000L, 1500L);
  }

  @Test
  void shouldRaiseProgrammingErrorsAtOnce() {
    try (TrainingRun run = TrainingRun.init(options("bad-" + UUID.randomUUID()).build())) {
      assertThatThrownBy(() -> run.log(Map.of("loss", 1.0), -1, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("step");
      assertThatThrownBy(() -> run.log(Map.of(" ", 1.0), 1, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metric");
    }
  }

  private static RunOptions.Builder options(String runId) {
    return RunOptions.builder("jvm-client")
        .runId(runId)
        .bootstrapServers(stack.bootstrapServers())
        .registryUrl(stack.registryUrl());
  }

  /**
   * This run's records of {@code topic}, read on for 2 s past the expected count so a duplicate
   * would show.
   */
  private static <T extends SpecificRecord> List<T> read(
      String topic, Class<T> type, String runId, int expected) {
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
      return TopicReader.readAll(
              stack.bootstrapServers(),
              topic,
              new StringDeserializer(),
              AvroKafkaDeserializer.specific(registry, type),
              expected,
              Duration.ofSeconds(60),
              Duration.ofSeconds(2))
          .stream()
          .filter(r -> r.key().equals(runId))
          .map(r -> r.value())
          .toList();
    }
  }
}
