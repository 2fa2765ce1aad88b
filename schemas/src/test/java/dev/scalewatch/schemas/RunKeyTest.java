package dev.scalewatch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunKeyTest {

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource({
    "sweep-7, r1, sweep-7/r1",
    "alpha, run/with/slashes, alpha/run/with/slashes",
    "a/b, c/d, a%2Fb/c/d",
    "100%, r, 100%25/r",
    "%2F, r, %252F/r",
  })
  void shouldEncodeProjectThenRunIdAndDecodeBack(String project, String runId, String encoded) {
    assertThat(RunKey.of(project, runId)).isEqualTo(encoded);
    assertThat(RunKey.parse(encoded)).isEqualTo(new RunKey(project, runId));
  }

  @Test
  void shouldGiveTwoProjectsSharingARunIdTwoKeys() {
    assertThat(RunKey.of("alpha", "r1")).isNotEqualTo(RunKey.of("beta", "r1"));
    assertThat(RunKey.of("a/b", "c")).isNotEqualTo(RunKey.of("a", "b/c"));
  }

  @Test
  void shouldRejectKeysThatAreNotRunKeys() {
    assertThatThrownBy(() -> RunKey.parse("r1"))
        .hasMessage("run key 'r1' has no '/': expected <project>/<run_id>");
    assertThatThrownBy(() -> RunKey.parse("a%41/r1")).hasMessageContaining("bad escape at 1");
  }

  @Test
  void shouldPartitionLikeTheDefaultPartitionerDoesForTheRunIdAlone() {
    for (String runId : new String[] {"r1", "run-7", "sweep/12", "ünïcode"}) {
      for (int partitions : new int[] {1, 2, 4, 7}) {
        assertThat(RunKey.partition(runId, partitions))
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(
                    runId.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }
}
