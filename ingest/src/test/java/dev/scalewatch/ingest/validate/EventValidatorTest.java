package dev.scalewatch.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventValidatorTest {

  private static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);
  private static final String HUGE = "x".repeat(1_000_000);
  private static final Instant NOW = T0.plusSeconds(86_400);
  private final EventValidator validator = new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC));

  static Run.Builder run() {
    return Run.newBuilder()
        .setProject("p")
        .setRunId("r1")
        .setStatus(RunStatus.RUNNING)
        .setUpdatedAt(T0);
  }

  static MetricPoint.Builder point() {
    return MetricPoint.newBuilder()
        .setProject("p")
        .setRunId("r1")
        .setStep(10)
        .setTokensSeen(40_960L)
        .setEventTime(T0)
        .setMetric("loss")
        .setValue(2.5);
  }

  static EvalResult.Builder eval() {
    return EvalResult.newBuilder()
        .setProject("p")
        .setRunId("r1")
        .setStep(10)
        .setTask("winogrande")
        .setMetric("accuracy")
        .setValue(0.61)
        .setEventTime(T0);
  }

  @Test
  void shouldAcceptValidEvents() {
    assertThat(
            validator.validate(
                run().setParameters(1_000_000L).setHyperparameters(Map.of("lr", "3e-4")).build()))
        .isEmpty();
    assertThat(validator.validate(point().setFlops(1e18).build())).isEmpty();
    assertThat(validator.validate(eval().setStderr(0.01).setSampleCount(1267L).setShots(0).build()))
        .isEmpty();
  }

  @Test
  void shouldAcceptNanAndInfiniteValuesAsTheDivergenceSignal() {
    assertThat(validator.validate(point().setValue(Double.NaN).build())).isEmpty();
    assertThat(validator.validate(point().setValue(Double.POSITIVE_INFINITY).build())).isEmpty();
    assertThat(validator.validate(point().setValue(Double.NEGATIVE_INFINITY).build())).isEmpty();
    assertThat(validator.validate(eval().setValue(Double.NaN).build())).isEmpty();
  }

  @Test
  void shouldNameFieldRuleAndValueInTheMessage() {
    List<Violation> violations = validator.validate(point().setStep(-3).build());

    assertThat(violations).containsExactly(new Violation("step", "-3", "step must be >= 0: -3"));
  }

  @Test
  void shouldRejectHugeStringWithoutCopyingItIntoTheMessage() {
    List<Violation> violations = validator.validate(point().setMetric(HUGE).build());

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("metric");
              assertThat(v.message())
                  .startsWith(
                      "metric must be at most 256 characters, was 1000000 (rejected, not truncated)")
                  .endsWith("... (1000000 chars)'")
                  .hasSizeLessThan(300);
            });
  }

  @Test
  void shouldReportEveryBrokenRuleInFieldOrder() {
    List<Violation> violations =
        validator.validate(point().setProject(" ").setStep(-1).setFlops(-2.0).build());

    assertThat(violations).extracting(Violation::field).containsExactly("project", "step", "flops");
  }

  @Test
  void shouldAcceptStringsAtTheLimit() {
    String limit = "a".repeat(EventValidator.MAX_NAME_CHARS);
    assertThat(
            validator.validate(
                point().setProject(limit).setRunId(limit).setMetric(limit).setSplit(limit).build()))
        .isEmpty();
  }

  @Test
  void shouldRejectTheIssuesFourMegabyteRunNamingFieldSizeAndLimit() {
    List<Violation> violations =
        validator.validate(run().setHyperparameters(filled(1_000, "h%03d", 4_000)).build());

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("hyperparameters");
              assertThat(v.message())
                  .isEqualTo(
                      "hyperparameters must take at most 262144 bytes (UTF-8 keys and values"
                          + " together) so that the event fits every topic downstream; was 4004000"
                          + " bytes in 1000 entries (send fewer or shorter entries): 4004000");
            });
  }

  @Test
  void shouldCountMapBytesInUtf8() {
    // 100 values of 1,000 euro signs: 100,000 characters but 300,000 bytes
    assertThat(validator.validate(run().setTags(filled(100, "t%02d", 1_000, "\u20ac")).build()))
        .extracting(Violation::field)
        .containsExactly("tags");
  }

  @Test
  void shouldAcceptLargestValidRunAndItFitsTheDefaultRecordLimit() throws Exception {
    String name = "\u20ac".repeat(EventValidator.MAX_NAME_CHARS);
    Run largest =
        run()
            .setProject(name)
            .setRunId(name)
            .setName(name)
            .setModelFamily(name)
            .setDataset("\u20ac".repeat(EventValidator.MAX_VALUE_CHARS))
            .setHyperparameters(atByteLimit("h"))
            .setTags(atByteLimit("t"))
            .build();

    assertThat(validator.validate(largest)).isEmpty();
    assertThat(largest.toByteBuffer().remaining()).isLessThan(600_000);
  }

  @Test
  void shouldRejectEventTimeMoreThanAnHourAheadOfTheClock() {
    assertThat(validator.validate(point().setEventTime(NOW.plusSeconds(3_600)).build())).isEmpty();
    assertThat(validator.validate(point().setEventTime(NOW.plusSeconds(3_601)).build()))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("event_time");
              assertThat(v.message())
                  .isEqualTo(
                      "event_time must be at most 60 min after the receiving clock"
                          + " (2026-01-02T00:00:00Z): the sender's clock is ahead, fix it"
                          + " (rejected, retrying cannot help): 2026-01-02T01:00:01Z");
            });
    assertThat(validator.validate(eval().setEventTime(NOW.plusSeconds(7_200)).build()))
        .extracting(Violation::field)
        .containsExactly("event_time");
    assertThat(validator.validate(run().setUpdatedAt(NOW.plusSeconds(7_200)).build()))
        .extracting(Violation::field)
        .containsExactly("updated_at");
  }

  private static Map<String, String> filled(int entries, String keyFormat, int chars) {
    return filled(entries, keyFormat, chars, "v");
  }

  private static Map<String, String> filled(
      int entries, String keyFormat, int chars, String character) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      map.put(String.format(keyFormat, i), character.repeat(chars));
    }
    return map;
  }

  /**
   * A map of exactly {@link EventValidator#MAX_MAP_BYTES} bytes, in values at their length limit.
   */
  private static Map<String, String> atByteLimit(String prefix) {
    Map<String, String> map = new HashMap<>();
    long left = EventValidator.MAX_MAP_BYTES;
    for (int i = 0; left > 0; i++) {
      String key = prefix + String.format("%04d", i);
      int chars = (int) Math.min(EventValidator.MAX_VALUE_CHARS, left - key.length());
      map.put(key, "v".repeat(chars));
      left -= key.length() + chars;
    }
    return map;
  }

  static Stream<Arguments> brokenRuns() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i <= EventValidator.MAX_MAP_ENTRIES; i++) {
      tooMany.put("k" + i, "v");
    }
    return Stream.of(
        broken("project", "project must not be blank: ''", r -> r.setProject("")),
        broken("run_id", "run_id must not be blank: '  '", r -> r.setRunId("  ")),
        broken(
            "run_id", "run_id must be at most 256 characters, was 1000000", r -> r.setRunId(HUGE)),
        broken(
            "name",
            "name must be at most 256 characters, was 257",
            r -> r.setName("n".repeat(257))),
        broken("model_family", "model_family must be at most 256", r -> r.setModelFamily(HUGE)),
        broken("parameters", "parameters must be >= 0: -1", r -> r.setParameters(-1L)),
        broken(
            "non_embedding_parameters",
            "non_embedding_parameters must be >= 0: -5",
            r -> r.setNonEmbeddingParameters(-5L)),
        broken("planned_tokens", "planned_tokens must be >= 0: -7", r -> r.setPlannedTokens(-7L)),
        broken(
            "dataset",
            "dataset must be at most 4096 characters, was 4097",
            r -> r.setDataset("d".repeat(4097))),
        broken(
            "hyperparameters",
            "hyperparameters must have at most 1000 entries: 1001",
            r -> r.setHyperparameters(tooMany)),
        broken(
            "tags['owner']",
            "tags['owner'] must be at most 4096 characters, was 4097",
            r -> r.setTags(Map.of("owner", "o".repeat(4097)))),
        broken("tags", "tags keys must not be blank: ''", r -> r.setTags(Map.of("", "x"))),
        broken(
            "hyperparameters key",
            "hyperparameters key must be at most 256 characters, was 300",
            r -> r.setHyperparameters(Map.of("k".repeat(300), "x"))),
        broken(
            "name",
            "name must not contain control characters (NUL, newline, tab, ...): U+000D at index 1",
            r -> r.setName("a\r\nb")),
        broken(
            "hyperparameters key",
            "hyperparameters key must not contain control characters",
            r -> r.setHyperparameters(Map.of("l\u0000r", "3e-4"))),
        broken(
            "started_at", "started_at must be > 0", r -> r.setStartedAt(Instant.ofEpochMilli(0))),
        broken(
            "ended_at",
            "ended_at must not be before started_at 1767225600000: 1767225599999",
            r -> r.setStartedAt(T0).setEndedAt(T0.minusMillis(1))),
        broken(
            "updated_at",
            "updated_at must be > 0 (milliseconds since 1970-01-01T00:00:00Z): -1",
            r -> r.setUpdatedAt(Instant.ofEpochMilli(-1))));
  }

  private static Arguments broken(String field, String message, UnaryOperator<Run.Builder> change) {
    return Arguments.of(field, message, change);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("brokenRuns")
  void shouldRejectRunBreakingRule(
      String field, String message, UnaryOperator<Run.Builder> change) {
    List<Violation> violations = validator.validate(change.apply(run()).build());

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).startsWith(message);
            });
  }

  @Test
  void shouldRejectRunWithoutProject() {
    Run run = run().build();
    run.setProject(null);

    assertThat(validator.validate(run))
        .extracting(Violation::message)
        .containsExactly("project is required: null");
  }

  @Test
  void shouldRejectRunWithoutStatusOrUpdateTime() {
    Run run = run().build();
    run.setStatus(null);
    run.put("updated_at", null);

    assertThat(validator.validate(run))
        .extracting(Violation::message)
        .containsExactly(
            "status is required (UNKNOWN if not known): null", "updated_at is required: null");
  }

  static Stream<Arguments> brokenPoints() {
    return Stream.of(
        Arguments.of(
            "project", "project is required: null", change((MetricPoint p) -> p.setProject(null))),
        Arguments.of(
            "run_id",
            "run_id must be at most 256 characters, was 257",
            change((MetricPoint p) -> p.setRunId("r".repeat(257)))),
        Arguments.of("step", "step must be >= 0: -1", change((MetricPoint p) -> p.setStep(-1L))),
        Arguments.of(
            "step",
            "step must be >= 0: " + Long.MIN_VALUE,
            change((MetricPoint p) -> p.setStep(Long.MIN_VALUE))),
        Arguments.of(
            "tokens_seen",
            "tokens_seen must be >= 0: -4096",
            change((MetricPoint p) -> p.setTokensSeen(-4096L))),
        Arguments.of(
            "flops",
            "flops must be finite: NaN",
            change((MetricPoint p) -> p.setFlops(Double.NaN))),
        Arguments.of(
            "flops",
            "flops must be finite: Infinity",
            change((MetricPoint p) -> p.setFlops(Double.POSITIVE_INFINITY))),
        Arguments.of(
            "flops", "flops must be >= 0: -1.0E18", change((MetricPoint p) -> p.setFlops(-1e18))),
        Arguments.of(
            "event_time",
            "event_time must be > 0",
            change((MetricPoint p) -> p.setEventTime(Instant.ofEpochMilli(0)))),
        Arguments.of(
            "event_time",
            "event_time is required: null",
            change((MetricPoint p) -> p.put("event_time", null))),
        Arguments.of(
            "parameters",
            "parameters must be >= 0: -10",
            change((MetricPoint p) -> p.setParameters(-10L))),
        Arguments.of(
            "metric", "metric must not be blank: ''", change((MetricPoint p) -> p.setMetric(""))),
        Arguments.of(
            "split", "split must not be blank: ' '", change((MetricPoint p) -> p.setSplit(" "))),
        Arguments.of(
            "metric",
            "metric must not contain control characters (NUL, newline, tab, ...): U+0000 at index"
                + " 4: 'loss\\u0000'",
            change((MetricPoint p) -> p.setMetric("loss\u0000"))),
        Arguments.of(
            "split",
            "split must not contain control characters (NUL, newline, tab, ...): U+000A at index"
                + " 3",
            change((MetricPoint p) -> p.setSplit("val\ntrain"))),
        Arguments.of(
            "run_id",
            "run_id must not contain control characters",
            change((MetricPoint p) -> p.setRunId("r1\u007f"))));
  }

  /** Returns an operator that applies a setter to an event and returns the event. */
  private static <T> UnaryOperator<T> change(Consumer<T> setter) {
    return event -> {
      setter.accept(event);
      return event;
    };
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("brokenPoints")
  void shouldRejectMetricPointBreakingRule(
      String field, String message, UnaryOperator<MetricPoint> change) {
    List<Violation> violations = validator.validate(change.apply(point().build()));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).startsWith(message);
            });
  }

  static Stream<Arguments> brokenEvals() {
    return Stream.of(
        Arguments.of("task", "task is required: null", change((EvalResult e) -> e.setTask(null))),
        Arguments.of(
            "task",
            "task must be at most 256 characters, was 1000000",
            change((EvalResult e) -> e.setTask(HUGE))),
        Arguments.of(
            "metric", "metric must not be blank: ''", change((EvalResult e) -> e.setMetric(""))),
        Arguments.of("step", "step must be >= 0: -3", change((EvalResult e) -> e.setStep(-3L))),
        Arguments.of(
            "stderr", "stderr must be >= 0: -0.1", change((EvalResult e) -> e.setStderr(-0.1))),
        Arguments.of(
            "stderr",
            "stderr must be finite: NaN",
            change((EvalResult e) -> e.setStderr(Double.NaN))),
        Arguments.of(
            "sample_count",
            "sample_count must be >= 0: -1",
            change((EvalResult e) -> e.setSampleCount(-1L))),
        Arguments.of("shots", "shots must be >= 0: -2", change((EvalResult e) -> e.setShots(-2))),
        Arguments.of(
            "flops",
            "flops must be finite: -Infinity",
            change((EvalResult e) -> e.setFlops(Double.NEGATIVE_INFINITY))),
        Arguments.of(
            "tokens_seen",
            "tokens_seen must be >= 0: -1",
            change((EvalResult e) -> e.setTokensSeen(-1L))),
        Arguments.of(
            "parameters",
            "parameters must be >= 0: -1",
            change((EvalResult e) -> e.setParameters(-1L))),
        Arguments.of(
            "event_time",
            "event_time must be > 0",
            change((EvalResult e) -> e.setEventTime(Instant.ofEpochMilli(-5)))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("brokenEvals")
  void shouldRejectEvalResultBreakingRule(
      String field, String message, UnaryOperator<EvalResult> change) {
    List<Violation> violations = validator.validate(change.apply(eval().build()));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).startsWith(message);
            });
  }
}
