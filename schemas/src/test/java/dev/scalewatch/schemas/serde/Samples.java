package dev.scalewatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.MetricPoint;
import java.time.Instant;

/** Sample records for the serde tests. */
final class Samples {

  private Samples() {}

  static MetricPoint metric(long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("chinchilla-replica")
        .setRunId("run-17")
        .setStep(step)
        .setTokensSeen(step * 2_048L)
        .setEventTime(Instant.parse("2026-11-22T12:00:00Z").plusSeconds(step))
        .setMetric("loss")
        .setValue(value)
        .build();
  }

  /** Asserts field-by-field equality with NaN equal to NaN (Avro's equals says NaN != NaN). */
  static void assertSamePoint(Object actual, MetricPoint expected) {
    assertThat(actual)
        .isInstanceOf(MetricPoint.class)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .isEqualTo(expected);
  }
}
