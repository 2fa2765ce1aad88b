package dev.scalewatch.sinks.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterReasonsTest {

  @Test
  void shouldSortTheNormalizersReasonsIntoFixedCategories() {
    assertThat(DeadLetterReasons.categoryOf("empty value: expected the Confluent wire format"))
        .isEqualTo("empty_value");
    assertThat(DeadLetterReasons.categoryOf("key is missing: raw events are keyed by their run_id"))
        .isEqualTo("missing_key");
    assertThat(DeadLetterReasons.categoryOf("key 'r2' does not match run_id 'r1': raw events"))
        .isEqualTo("key_mismatch");
    assertThat(DeadLetterReasons.categoryOf("unknown magic byte 110 (expected 0): not the"))
        .isEqualTo("not_wire_format");
    assertThat(DeadLetterReasons.categoryOf("unknown schema id 99 (…): the value was written"))
        .isEqualTo("unknown_schema");
    assertThat(
            DeadLetterReasons.categoryOf(
                "writer schema id 3 is dev.scalewatch.schemas.MetricPoint, expected"))
        .isEqualTo("wrong_schema");
    assertThat(DeadLetterReasons.categoryOf("invalid MetricPoint: step must be >= 0: -3"))
        .isEqualTo("invalid_event");
    assertThat(
            DeadLetterReasons.categoryOf(
                "invalid Run: hyperparameters must take at most 262144 bytes (UTF-8 keys"))
        .isEqualTo("too_large");
    assertThat(
            DeadLetterReasons.categoryOf(
                "event_time must be at most 60 min after the receiving clock (…)"))
        .isEqualTo("clock_ahead");
    assertThat(DeadLetterReasons.categoryOf("something new")).isEqualTo("other");
  }
}
