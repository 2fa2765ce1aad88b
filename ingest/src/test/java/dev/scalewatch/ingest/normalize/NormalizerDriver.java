package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The normalizer topology in a TopologyTestDriver over a fresh {@code mock://} registry scope, with
 * helpers to send raw events (explicit record timestamps) and read every output topic.
 */
final class NormalizerDriver implements AutoCloseable {

  static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);

  /**
   * Record timestamp of raw records: deliberately not the event time, so tests can tell them apart.
   */
  static final Instant PRODUCED_AT = Instant.ofEpochMilli(1_800_000_000_000L);

  final String scope = "normalizer-" + UUID.randomUUID();
  final SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + scope);
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> raw;
  final TestOutputTopic<String, Run> runs;
  final TestOutputTopic<String, MetricPoint> metrics;
  final TestOutputTopic<String, EvalResult> evals;
  final TestOutputTopic<byte[], DeadLetter> deadLetters;
  private final AvroKafkaSerializer<RawEvent> rawSerializer;

  NormalizerDriver() {
    this(1_000);
  }

  NormalizerDriver(int dedupEntries) {
    this(dedupEntries, true);
  }

  NormalizerDriver(int dedupEntries, boolean dedupChangelog) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normalizer-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    NormalizerConfig config =
        NormalizerConfig.of("unused:9092", "mock://" + scope, Path.of("unused"))
            .withDedupEntriesPerPartition(dedupEntries)
            .withDedupChangelog(dedupChangelog);
    driver = new TopologyTestDriver(NormalizerTopology.buildTopology(registry, config), props);
    rawSerializer = new AvroKafkaSerializer<>(registry);
    raw = driver.createInputTopic(Topics.RAW, new ByteArraySerializer(), new ByteArraySerializer());
    runs =
        driver.createOutputTopic(
            Topics.RUNS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, Run.class));
    metrics =
        driver.createOutputTopic(
            Topics.METRICS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, MetricPoint.class));
    evals =
        driver.createOutputTopic(
            Topics.EVALS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, EvalResult.class));
    deadLetters =
        driver.createOutputTopic(
            Topics.DEAD_LETTERS,
            new ByteArrayDeserializer(),
            AvroKafkaDeserializer.specific(registry, DeadLetter.class));
  }

  static MetricPoint.Builder point(String runId, long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setStep(step)
        .setTokensSeen(Math.max(step, 0) * 1000)
        .setEventTime(T0.plusSeconds(step))
        .setMetric("loss")
        .setValue(value);
  }

  static EvalResult.Builder eval(String runId, long step, double value) {
    return EvalResult.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setStep(step)
        .setTokensSeen(Math.max(step, 0) * 1000)
        .setTask("winogrande")
        .setMetric("accuracy")
        .setValue(value)
        .setEventTime(T0.plusSeconds(step));
  }

  static Run.Builder run(String runId) {
    return Run.newBuilder().setProject("p").setRunId(runId).setUpdatedAt(T0.minusSeconds(60));
  }

  /** Encodes an event as a RawEvent in the wire format. */
  byte[] encode(Object event) {
    return rawSerializer.serialize(Topics.RAW, RawEvent.newBuilder().setEvent(event).build());
  }

  /** Sends an event keyed by its run id. */
  void send(String runId, Object event) {
    sendBytes(key(runId), encode(event));
  }

  void sendBytes(byte[] key, byte[] value) {
    raw.pipeInput(new TestRecord<>(key, value, PRODUCED_AT));
  }

  static byte[] key(String runId) {
    return runId == null ? null : runId.getBytes(StandardCharsets.UTF_8);
  }

  List<TestRecord<String, MetricPoint>> allMetrics() {
    return metrics.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
    SchemaRegistryClients.dropMockScope(scope);
  }
}
