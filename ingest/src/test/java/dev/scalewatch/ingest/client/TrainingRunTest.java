package dev.scalewatch.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * What the normalizer would dead-letter is refused at the call, with the dead letter's wording
 * (issue 7), and nothing of that call is sent. No broker: sends fail at once (max.block.ms 1), so
 * {@link TrainingRun#failedEvents()} counts exactly what was handed to the producer.
 */
class TrainingRunTest {

  private static final Map<String, Object> NO_BROKER =
      Map.of(
          ProducerConfig.MAX_BLOCK_MS_CONFIG,
          1,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
          50,
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
          40,
          ProducerConfig.LINGER_MS_CONFIG,
          0);

  private static RunOptions.Builder options() {
    return RunOptions.builder("jvm-unit")
        .runId("r1")
        .bootstrapServers("127.0.0.1:1")
        .registryUrl("mock://training-run-test");
  }

  @Test
  void shouldRefuseHyperparametersOver256KiBAtInitBeforeConnecting() {
    Map<String, Object> config = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      config.put(String.format("k%03d", i), "x".repeat(4000));
    }
    // An empty bootstrap list makes the Kafka producer's constructor throw: the check must come
    // first.
    RunOptions oversized = options().config(config).bootstrapServers("").build();

    assertThatThrownBy(() -> TrainingRun.init(oversized, NO_BROKER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid Run: hyperparameters must take at most 262144 bytes (UTF-8 keys and values"
                + " together) so that the event fits every topic downstream; was 4004000 bytes in"
                + " 1000 entries (send fewer or shorter entries): 4004000");
  }

  @Test
  void shouldRefuseControlCharactersInTagsAndRunIdNamingEachFieldAndValue() {
    RunOptions bad = options().runId("r\n1").tag("own\u0000er", "ana").bootstrapServers("").build();

    assertThatThrownBy(() -> TrainingRun.init(bad, NO_BROKER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid Run: run_id must not contain control characters (NUL, newline, tab, ...):"
                + " U+000A at index 1: 'r\\u000a1'; tags key must not contain control characters"
                + " (NUL, newline, tab, ...): U+0000 at index 3: 'own\\u0000er'");
  }

  @Test
  void shouldRefuseABadMetricNameAndSendNothingOfThatCall() {
    try (TrainingRun run = TrainingRun.init(options().build(), NO_BROKER)) {
      long failedBefore = run.failedEvents(); // the RUNNING record, refused by the missing broker
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("train/loss", 2.0);
      metrics.put("loss\u0000x", 1.0);

      assertThatThrownBy(() -> run.log(metrics, 10, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "invalid MetricPoint: metric must not contain control characters (NUL, newline,"
                  + " tab, ...): U+0000 at index 4: 'loss\\u0000x'");
      assertThatThrownBy(() -> run.logEval("arith\r", "accuracy", 0.5, 10, -0.1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid EvalResult: task must not contain control characters")
          .hasMessageContaining("stderr must be >= 0: -0.1");
      assertThat(run.failedEvents()).isEqualTo(failedBefore);

      run.log(Map.of("train/loss", 2.0), 10, null);
      assertThat(run.failedEvents()).isEqualTo(failedBefore + 1);
    }
  }
}
