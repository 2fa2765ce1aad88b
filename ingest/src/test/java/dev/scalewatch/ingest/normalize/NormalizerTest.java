package dev.scalewatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.Topics;
import java.nio.file.Path;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NormalizerTest {

  @TempDir Path state;

  @Test
  void shouldRefuseToStartWithInvalidRegistryUrl() {
    NormalizerConfig config = NormalizerConfig.of("127.0.0.1:1", "ftp://registry", state);

    assertThatThrownBy(() -> Normalizer.start(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp://registry");
  }

  @Test
  void shouldReadRawAndWriteTheFourNormalizedTopicsWithoutRepartitioning() {
    TopologyDescription description =
        NormalizerTopology.buildTopology(
                NormalizerConfig.of("127.0.0.1:1", "mock://describe", state))
            .describe();

    assertThat(description.subtopologies())
        .singleElement()
        .satisfies(
            sub -> {
              assertThat(sub.nodes())
                  .filteredOn(n -> n instanceof TopologyDescription.Source)
                  .singleElement()
                  .satisfies(
                      n ->
                          assertThat(((TopologyDescription.Source) n).topicSet())
                              .containsExactly(Topics.RAW));
              assertThat(sub.nodes())
                  .filteredOn(n -> n instanceof TopologyDescription.Sink)
                  .extracting(n -> ((TopologyDescription.Sink) n).topic())
                  .containsExactlyInAnyOrder(
                      Topics.RUNS, Topics.METRICS, Topics.EVALS, Topics.DEAD_LETTERS);
              assertThat(sub.nodes())
                  .filteredOn(n -> n instanceof TopologyDescription.Processor)
                  .singleElement()
                  .satisfies(
                      n ->
                          assertThat(((TopologyDescription.Processor) n).stores())
                              .containsExactlyInAnyOrder(
                                  NormalizerTopology.DEDUP_STORE, NormalizerTopology.RUN_STORE));
            });
  }
}
