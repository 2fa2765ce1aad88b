package dev.scalewatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class NormalizerConfigTest {

  private final NormalizerConfig config =
      NormalizerConfig.of("localhost:9092", "mock://cfg", Path.of("state"));

  @Test
  void shouldDefaultToExactlyOnceOneThreadAndTheNormalizerApplicationId() {
    Properties props = config.toStreamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "scalewatch-normalizer")
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("state").toString())
        .containsEntry("producer.batch.size", 262_144);
    assertThat(config.dedupChangelog()).isTrue();
    assertThat(config.dedupEntriesPerPartition()).isEqualTo(NormalizerConfig.DEFAULT_DEDUP_ENTRIES);
  }

  @Test
  void shouldLetOverridesWinOverDefaults() {
    Properties props =
        config
            .withStreamsOverrides(
                Map.of(
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                    500,
                    StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    StreamsConfig.AT_LEAST_ONCE))
            .toStreamsProperties();

    assertThat(props)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
  }

  @Test
  void shouldRejectZeroThreadsNamingSettingAndValue() {
    assertThatThrownBy(() -> config.withThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("normalizer threads must be >= 1: 0 (use 1 per core you can spare)");
  }

  @Test
  void shouldRejectEmptyDedupBound() {
    assertThatThrownBy(() -> config.withDedupEntriesPerPartition(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("normalizer dedupEntriesPerPartition must be >= 1: 0 (default 100000)");
  }

  @Test
  void shouldRejectBlankBootstrapServers() {
    assertThatThrownBy(() -> NormalizerConfig.of(" ", "mock://cfg", Path.of("state")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("normalizer bootstrapServers must not be blank: ' '");
  }
}
