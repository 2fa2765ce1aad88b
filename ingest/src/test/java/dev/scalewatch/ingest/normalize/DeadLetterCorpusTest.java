package dev.scalewatch.ingest.normalize;

import static dev.scalewatch.ingest.normalize.NormalizerDriver.T0;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.eval;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.key;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.point;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.schemas.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kafka-side bad-input corpus: each case is one raw record that must become exactly one dead
 * letter whose reason contains the documented text, with the original key and value bytes, while a
 * valid point sent just before and one sent just after it both reach the metrics topic.
 */
class DeadLetterCorpusTest {

  private static final String HUGE = "x".repeat(1_000_000);

  /**
   * One bad record: its key and value bytes (built against the driver's registry) and the reason.
   */
  record BadRecord(String name, Function<NormalizerDriver, byte[][]> build, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> corpus() {
    return Stream.of(
        // Bytes that are not a RawEvent in the wire format.
        bytes("empty value", new byte[0], "empty value: expected the Confluent wire format"),
        bad(
            "tombstone (null value)",
            d -> new byte[][] {key("r1"), null},
            "value is null (a tombstone): raw events cannot be deleted"),
        bad(
            "missing key",
            d -> new byte[][] {null, d.encode(point("r1", 1, 1.0).build())},
            "key is missing: raw events are keyed by their run_id"),
        bytes(
            "wrong magic byte 1",
            new byte[] {1, 0, 0, 0, 1, 2, 4},
            "unknown magic byte 1 (expected 0)"),
        bytes(
            "JSON text",
            "{\"run_id\":\"r1\",\"step\":1}".getBytes(StandardCharsets.UTF_8),
            "unknown magic byte 123 (expected 0)"),
        bytes(
            "plain string",
            "loss=2.5".getBytes(StandardCharsets.UTF_8),
            "unknown magic byte 108 (expected 0)"),
        bytes(
            "shorter than the header",
            new byte[] {0, 0, 0},
            "value of 3 bytes is shorter than the 5-byte"),
        bytes(
            "unknown schema id",
            concat(WireFormat.header(999_999), new byte[] {2, 2, 'p'}),
            "unknown schema id 999999"),
        bad(
            "header only, no payload",
            d -> rawBytes(Arrays.copyOf(validBytes(d), WireFormat.HEADER_SIZE)),
            "truncated or corrupt Avro payload (0 bytes after the header)"),
        bad(
            "truncated Avro",
            d -> rawBytes(truncate(validBytes(d), 6)),
            "truncated or corrupt Avro payload"),
        bad(
            "union branch out of range",
            d -> rawBytes(concat(Arrays.copyOf(validBytes(d), 5), new byte[] {0x7e})),
            "truncated or corrupt Avro payload"),
        bad(
            "garbage after a valid header",
            d ->
                rawBytes(
                    concat(
                        Arrays.copyOf(validBytes(d), 5),
                        new byte[] {
                          (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01
                        })),
            "truncated or corrupt Avro payload"),
        bad(
            "bare MetricPoint, not wrapped in RawEvent",
            DeadLetterCorpusTest::bareMetricPoint,
            "is dev.scalewatch.schemas.MetricPoint, expected dev.scalewatch.schemas.RawEvent"),
        bad(
            "NaN step (writer schema with a double step)",
            DeadLetterCorpusTest::doubleStep,
            "cannot be read as the current dev.scalewatch.schemas.RawEvent: MetricPoint TYPE_MISMATCH at /fields/2/type"),
        // Decodable events that break a rule.
        event("negative step", point("r1", -3, 1.0), "invalid MetricPoint: step must be >= 0: -3"),
        event(
            "most negative step",
            point("r1", 1, 1.0).setStep(Long.MIN_VALUE),
            "step must be >= 0: -9223372036854775808"),
        event(
            "huge run id (1 MB)",
            point("r1", 1, 1.0).setRunId(HUGE),
            "run_id must be at most 256 characters, was 1000000 (rejected, not truncated)"),
        event(
            "huge metric name (1 MB)",
            point("r1", 1, 1.0).setMetric(HUGE),
            "metric must be at most 256 characters"),
        event(
            "huge project (1 MB)",
            point("r1", 1, 1.0).setProject(HUGE),
            "project must be at most 256 characters"),
        event(
            "blank project",
            point("r1", 1, 1.0).setProject("  "),
            "project must not be blank: '  '"),
        event("blank split", point("r1", 1, 1.0).setSplit(""), "split must not be blank: ''"),
        event(
            "metric name with NUL",
            point("r1", 1, 1.0).setMetric("loss\u0000x"),
            "metric must not contain control characters (NUL, newline, tab, ...): U+0000 at index"
                + " 4: 'loss\\u0000x'"),
        event(
            "metric name with a newline",
            point("r1", 1, 1.0).setMetric("loss\nfake"),
            "U+000A at index 4"),
        event(
            "negative tokens",
            point("r1", 1, 1.0).setTokensSeen(-1L),
            "tokens_seen must be >= 0: -1"),
        event("NaN flops", point("r1", 1, 1.0).setFlops(Double.NaN), "flops must be finite: NaN"),
        event("negative flops", point("r1", 1, 1.0).setFlops(-1e20), "flops must be >= 0: -1.0E20"),
        event(
            "event time at the epoch",
            point("r1", 1, 1.0).setEventTime(Instant.EPOCH),
            "event_time must be > 0"),
        event(
            "negative parameters on a point",
            point("r1", 1, 1.0).setParameters(-1L),
            "parameters must be >= 0: -1"),
        event(
            "eval with negative stderr",
            eval("r1", 1, 0.5).setStderr(-0.01),
            "invalid EvalResult: stderr must be >= 0: -0.01"),
        event("eval with blank task", eval("r1", 1, 0.5).setTask(""), "task must not be blank: ''"),
        event(
            "eval with negative shots", eval("r1", 1, 0.5).setShots(-1), "shots must be >= 0: -1"),
        event(
            "eval with huge task",
            eval("r1", 1, 0.5).setTask(HUGE),
            "task must be at most 256 characters"),
        event(
            "run with negative parameters",
            run("r1").setParameters(-5L),
            "invalid Run: parameters must be >= 0: -5"),
        event(
            "run with 1001 tags",
            run("r1").setTags(manyTags(1001)),
            "tags must have at most 1000 entries: 1001"),
        event(
            "run with a 5 KiB hyperparameter",
            run("r1").setHyperparameters(Map.of("lr", "9".repeat(5120))),
            "hyperparameters['lr'] must be at most 4096 characters, was 5120"),
        event(
            "run with 300 KB of hyperparameters (fits raw, not the runs topic with the rest)",
            run("r1").setHyperparameters(manyValues(100, 3_000)),
            "hyperparameters must take at most 262144 bytes (UTF-8 keys and values together)"
                + " so that the event fits every topic downstream; was 300300 bytes in 100 entries"),
        event(
            "point two hours ahead of the clock (a skewed trainer clock)",
            point("r1", 1, 1.0).setEventTime(Instant.now().plusSeconds(7_200)),
            "event_time must be at most 60 min after the receiving clock"),
        event(
            "run updated two hours ahead of the clock",
            run("r1").setUpdatedAt(Instant.now().plusSeconds(7_200)),
            "updated_at must be at most 60 min after the receiving clock"),
        event(
            "run ending before it started",
            run("r1").setStartedAt(T0).setEndedAt(T0.minusSeconds(1)),
            "ended_at must not be before started_at"),
        // Valid events under the wrong key.
        bad(
            "key of another run",
            d -> new byte[][] {key("r2"), d.encode(point("r1", 1, 1.0).build())},
            "key 'r2' does not match run_id 'r1'"),
        bad(
            "key that is not UTF-8",
            d ->
                new byte[][] {
                  new byte[] {(byte) 0xc3, 0x28}, d.encode(point("r1", 1, 1.0).build())
                },
            "does not match run_id 'r1'"),
        bad(
            "run under another key",
            d -> new byte[][] {key("r9"), d.encode(run("r1").build())},
            "key 'r9' does not match run_id 'r1'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldDeadLetterBadRecordAndKeepValidNeighbours(BadRecord bad) {
    try (NormalizerDriver d = new NormalizerDriver()) {
      byte[][] record = bad.build().apply(d);
      d.send("r1", point("r1", 1, 2.0).build());
      d.sendBytes(record[0], record[1]);
      d.send("r1", point("r1", 2, 1.9).build());

      List<TestRecord<byte[], DeadLetter>> letters = d.deadLetters.readRecordsToList();
      assertThat(letters)
          .singleElement()
          .satisfies(
              letter -> {
                DeadLetter dead = letter.value();
                assertThat(dead.getReason()).contains(bad.reason());
                assertThat(dead.getReason().length()).isLessThan(1_000);
                assertThat(dead.getSourceTopic()).isEqualTo(Topics.RAW);
                assertThat(dead.getOffset()).isEqualTo(1L);
                assertThat(letter.key()).isEqualTo(record[0]);
                assertThat(
                        dead.getKey() == null ? null : NormalizerTopologyTest.bytes(dead.getKey()))
                    .isEqualTo(record[0]);
                assertThat(
                        dead.getValue() == null
                            ? null
                            : NormalizerTopologyTest.bytes(dead.getValue()))
                    .isEqualTo(record[1]);
              });
      assertThat(d.allMetrics()).extracting(r -> r.value().getStep()).containsExactly(1L, 2L);
      assertThat(d.evals.isEmpty()).isTrue();
    }
  }

  @org.junit.jupiter.api.Test
  void shouldHoldAtLeastThirtyCases() {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(30);
  }

  private static Arguments bad(
      String name, Function<NormalizerDriver, byte[][]> build, String reason) {
    return Arguments.of(new BadRecord(name, build, reason));
  }

  private static Arguments bytes(String name, byte[] value, String reason) {
    return bad(name, d -> rawBytes(value), reason);
  }

  private static Arguments event(String name, Object builder, String reason) {
    return bad(
        name,
        d -> {
          Object event = build(builder);
          return new byte[][] {key("r1"), d.encode(event)};
        },
        reason);
  }

  private static Object build(Object builder) {
    if (builder instanceof MetricPoint.Builder b) {
      return b.build();
    }
    if (builder instanceof dev.scalewatch.schemas.EvalResult.Builder b) {
      return b.build();
    }
    return ((dev.scalewatch.schemas.Run.Builder) builder).build();
  }

  private static byte[][] rawBytes(byte[] value) {
    return new byte[][] {key("r1"), value};
  }

  private static byte[] validBytes(NormalizerDriver d) {
    return d.encode(point("r1", 3, 1.0).build());
  }

  private static byte[] truncate(byte[] bytes, int drop) {
    return Arrays.copyOf(bytes, bytes.length - drop);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Map<String, String> manyTags(int count) {
    Map<String, String> tags = new HashMap<>();
    for (int i = 0; i < count; i++) {
      tags.put("t" + i, "v");
    }
    return tags;
  }

  private static Map<String, String> manyValues(int count, int chars) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < count; i++) {
      values.put(String.format("h%02d", i), "v".repeat(chars));
    }
    return values;
  }

  private static byte[][] bareMetricPoint(NormalizerDriver d) {
    byte[] value =
        new AvroKafkaSerializer<MetricPoint>(d.registry)
            .serialize("elsewhere", point("r1", 1, 1.0).build());
    return rawBytes(value);
  }

  /** A RawEvent whose writer schema types step as a double, carrying a NaN step. */
  private static byte[][] doubleStep(NormalizerDriver d) {
    Schema writer =
        new Schema.Parser()
            .parse(
                RawEvent.getClassSchema()
                    .toString()
                    .replace(
                        "\"name\":\"step\",\"type\":\"long\"",
                        "\"name\":\"step\",\"type\":\"double\""));
    Schema pointSchema = writer.getField("event").schema().getTypes().get(1);
    GenericRecord point = new GenericData.Record(pointSchema);
    point.put("project", "p");
    point.put("run_id", "r1");
    point.put("step", Double.NaN);
    point.put("event_time", T0.toEpochMilli());
    point.put("metric", "loss");
    point.put("split", "train");
    point.put("value", 1.0);
    GenericRecord raw = new GenericData.Record(writer);
    raw.put("event", point);
    byte[] value =
        new AvroKafkaSerializer<GenericRecord>(d.registry).serialize("nan-step-producer", raw);
    return rawBytes(value);
  }
}
