package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.ingest.client.RunOptions;
import dev.scalewatch.ingest.client.TrainingRun;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM client delivers every logged point and eval to the normalized topics exactly once. */
class TrainingRunIT {

  @TempDir static Path data;
  static EmbeddedStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = EmbeddedStack.start(StackConfig.ephemeral(data));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void shouldDeliverEveryPointAndEvalExactlyOnce() {
    String runId = "jvm-" + UUID.randomUUID();
    int steps = 2_000;
    try (TrainingRun run = TrainingRun.init(options(runId).params(410_000_000L).build())) {
      for (int step = 0; step < steps; step++) {
        run.log(Map.of("train/loss", step == 1234 ? Double.NaN : 3.0 / Math.sqrt(step + 1), "lr", 3e-4),
            step, step * 4096.0);
        if (step % 500 == 0) {
          run.logEval("arith_2digit_add", "accuracy", step / 4000.0, step, 0.01);
        }
      }
      run.finish(RunStatus.FINISHED);
      assertThat(run.failedEvents()).isZero();
    }

    List<MetricPoint> points = read(Topics.METRICS, MetricPoint.class, runId, 2 * steps);
    assertThat(points).hasSize(2 * steps);
    assertThat(points.stream().map(p -> p.getMetric() + "@" + p.getStep()).distinct()).hasSize(2 * steps);
    assertThat(points).filteredOn(p -> p.getMetric().equals("train/loss") && p.getStep() == 1234)
        .singleElement().satisfies(p -> assertThat(p.getValue()).isNaN());
    assertThat(points).allSatisfy(p -> assertThat(p.getParameters()).isEqualTo(410_000_000L));
    assertThat(read(Topics.EVALS, EvalResult.class, runId, 4)).extracting(EvalResult::getStep)
        .containsExactlyInAnyOrder(0L, 500L, 1000L, 1500L);
  }

  @Test
  void shouldRaiseProgrammingErrorsAtOnce() {
    try (TrainingRun run = TrainingRun.init(options("bad-" + UUID.randomUUID()).build())) {
      assertThatThrownBy(() -> run.log(Map.of("loss", 1.0), -1, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
      assertThatThrownBy(() -> run.log(Map.of(" ", 1.0), 1, null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metric");
    }
  }

  private static RunOptions.Builder options(String runId) {
    return RunOptions.builder("jvm-client").runId(runId)
        .bootstrapServers(stack.bootstrapServers()).registryUrl(stack.registryUrl());
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
      String topic, Class<T> type, String runId, int expected) {
    List<T> records = new ArrayList<>();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(), AvroKafkaDeserializer.specific(registry, type))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // Read on for 2 s past the expected count so that a duplicate would be seen.
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(runId)) {
            records.add(record.value());
          }
        }
        if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return records;
  }
}
