package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.normalize.NormalizerTopology;
import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunKey;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The normalizer the embedded stack runs, against its real broker and registry: 20,000 metric
 * points and 500 evals from 10 runs, with 1,000 retried duplicates, 200 changed values at known
 * steps, NaN and infinite values and 60 garbage records interleaved, must come out exactly once
 * each (count and content), every bad record as a dead letter, and the app must keep running.
 */
class NormalizerIT {

  private static final int RUNS = 10;
  private static final int PARTITIONS = 2;
  private static final int STEPS = 1_000;
  private static final List<String> METRICS = List.of("train/loss", "grad_norm");
  private static final int EVALS_PER_RUN = 50;
  private static final int RETRIES = 1_000;
  private static final int CHANGED = 200;
  private static final int GARBAGE = 60;
  private static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration QUIET = Duration.ofSeconds(2);
  @RegisterExtension static final RunningStack stack = new RunningStack();
  static SchemaRegistryClient registry;

  /** The points expected on the metrics topic, as identity -> content. */
  static final Map<String, MetricPoint> expectedPoints = new HashMap<>();

  static final Map<String, EvalResult> expectedEvals = new HashMap<>();
  static final List<byte[]> garbageValues = new ArrayList<>();
  static final Map<String, Long> parametersByRun = new HashMap<>();

  @BeforeAll
  static void startAndProduce() throws Exception {
    registry = SchemaRegistryClients.forUrl(stack.registryUrl());
    produce();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (stack != null) {}
  }

  private static final TestTopics.FirstFailure failures = new TestTopics.FirstFailure();

  private static void produce() {
    Random random = new Random(42);
    AvroKafkaSerializer<RawEvent> serializer = new AvroKafkaSerializer<>(registry);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    List<MetricPoint> sentPoints = new ArrayList<>();
    try (var producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int r = 0; r < RUNS; r++) {
        String runId = "run-" + r;
        if (r < RUNS / 2) {
          long parameters = 10_000_000L * (r + 1);
          parametersByRun.put(runId, parameters);
          send(
              producer,
              serializer,
              runId,
              Run.newBuilder()
                  .setProject("it")
                  .setRunId(runId)
                  .setNonEmbeddingParameters(parameters)
                  .setStatus(RunStatus.RUNNING)
                  .setUpdatedAt(T0)
                  .build());
        }
      }
      int garbageLeft = GARBAGE;
      for (int step = 0; step < STEPS; step++) {
        for (int r = 0; r < RUNS; r++) {
          String runId = "run-" + r;
          for (String metric : METRICS) {
            double value =
                (step % 97 == 13 && r == 3)
                    ? Double.NaN
                    : (step == 999 && r == 4)
                        ? Double.POSITIVE_INFINITY
                        : 5.0 / Math.sqrt(step + 1) + r;
            MetricPoint point =
                MetricPoint.newBuilder()
                    .setProject("it")
                    .setRunId(runId)
                    .setStep(step)
                    .setTokensSeen(step * 2048L)
                    .setEventTime(T0.plusMillis(step * 100L + r))
                    .setMetric(metric)
                    .setValue(value)
                    .build();
            sentPoints.add(point);
            expect(point);
            send(producer, serializer, runId, point);
          }
          if (step % (STEPS / EVALS_PER_RUN) == 0) {
            EvalResult eval =
                EvalResult.newBuilder()
                    .setProject("it")
                    .setRunId(runId)
                    .setStep(step)
                    .setTokensSeen(step * 2048L)
                    .setTask("arithmetic")
                    .setMetric("accuracy")
                    .setShots(0)
                    .setValue(step / 1000.0)
                    .setEventTime(T0.plusMillis(step * 100L + r))
                    .build();
            expectedEvals.put(identity(eval), eval);
            send(producer, serializer, runId, eval);
          }
          if (garbageLeft > 0 && random.nextInt(400) == 0) {
            sendGarbage(producer, serializer, runId, garbageLeft--);
          }
        }
      }
      while (garbageLeft > 0) {
        sendGarbage(producer, serializer, "run-0", garbageLeft--);
      }
      for (int i = 0; i < RETRIES; i++) {
        MetricPoint retry = sentPoints.get(random.nextInt(sentPoints.size()));
        send(producer, serializer, retry.getRunId(), MetricPoint.newBuilder(retry).build());
      }
      for (int i = 0; i < CHANGED; i++) {
        MetricPoint original = sentPoints.get(i * 97);
        MetricPoint changed =
            MetricPoint.newBuilder(original).setValue(original.getValue() + 1000).build();
        expect(changed);
        send(producer, serializer, changed.getRunId(), changed);
      }
      producer.flush();
    }
    failures.check();
  }

  private static void expect(MetricPoint point) {
    expectedPoints.put(identity(point), point);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      AvroKafkaSerializer<RawEvent> serializer,
      String runId,
      Object event) {
    byte[] value = serializer.serialize(Topics.RAW, RawEvent.newBuilder().setEvent(event).build());
    producer.send(
        new ProducerRecord<>(Topics.RAW, runId.getBytes(StandardCharsets.UTF_8), value), failures);
  }

  /**
   * Sends one of four kinds of bad record: not framed, unknown schema id, truncated Avro, invalid
   * event.
   */
  private static void sendGarbage(
      KafkaProducer<byte[], byte[]> producer,
      AvroKafkaSerializer<RawEvent> serializer,
      String runId,
      int n) {
    byte[] valid = framedLoss(serializer, runId, n);
    byte[] value =
        switch (n % 4) {
          case 0 -> ("{\"garbage\": " + n + "}").getBytes(StandardCharsets.UTF_8);
          case 1 -> ByteBuffer.allocate(9).put((byte) 0).putInt(900_000 + n).putInt(n).array();
          case 2 -> java.util.Arrays.copyOf(valid, valid.length - 3);
          default -> framedLoss(serializer, runId, -n);
        };
    garbageValues.add(value);
    producer.send(
        new ProducerRecord<>(Topics.RAW, runId.getBytes(StandardCharsets.UTF_8), value), failures);
  }

  /** A framed RawEvent carrying a loss point at {@code step} (negative steps are invalid). */
  private static byte[] framedLoss(
      AvroKafkaSerializer<RawEvent> serializer, String runId, long step) {
    MetricPoint point =
        MetricPoint.newBuilder()
            .setProject("it")
            .setRunId(runId)
            .setStep(step)
            .setEventTime(T0)
            .setMetric("loss")
            .setValue(1.0)
            .build();
    return serializer.serialize(Topics.RAW, RawEvent.newBuilder().setEvent(point).build());
  }

  private static String identity(MetricPoint p) {
    return p.getRunId()
        + "|"
        + p.getMetric()
        + "|"
        + p.getSplit()
        + "|"
        + p.getStep()
        + "|"
        + Double.doubleToLongBits(p.getValue());
  }

  private static String identity(EvalResult e) {
    return e.getRunId() + "|" + e.getTask() + "|" + e.getMetric() + "|" + e.getStep();
  }

  @Test
  void shouldWriteEveryValidPointExactlyOnceWithEnrichedContent() {
    List<ConsumerRecord<String, MetricPoint>> out =
        TopicReader.readAll(
            stack.bootstrapServers(),
            Topics.METRICS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, MetricPoint.class),
            expectedPoints.size(),
            TIMEOUT,
            QUIET);

    assertThat(out).hasSize(RUNS * STEPS * METRICS.size() + CHANGED).hasSize(expectedPoints.size());
    Map<String, MetricPoint> byIdentity =
        out.stream().collect(Collectors.toMap(r -> identity(r.value()), ConsumerRecord::value));
    assertThat(byIdentity.keySet()).isEqualTo(expectedPoints.keySet());
    for (ConsumerRecord<String, MetricPoint> record : out) {
      MetricPoint point = record.value();
      MetricPoint sent = expectedPoints.get(identity(point));
      Long parameters = parametersByRun.get(point.getRunId());
      assertThat(record.key()).isEqualTo(point.getRunId());
      assertThat(record.timestamp()).isEqualTo(sent.getEventTime().toEpochMilli());
      assertThat(point.getProject()).isEqualTo(sent.getProject());
      assertThat(point.getTokensSeen()).isEqualTo(sent.getTokensSeen());
      assertThat(point.getEventTime()).isEqualTo(sent.getEventTime());
      assertThat(point.getParameters()).isEqualTo(parameters);
      assertThat(point.getFlops())
          .isEqualTo(parameters == null ? null : 6.0 * parameters * sent.getTokensSeen());
      assertThat(record.headers().lastHeader(NormalizerTopology.NON_FINITE_HEADER) != null)
          .as("non-finite flag of %s", identity(point))
          .isEqualTo(!Double.isFinite(point.getValue()));
    }
    assertThat(out).filteredOn(r -> Double.isNaN(r.value().getValue())).isNotEmpty();
  }

  @Test
  void shouldKeepRunningAfterBadRecords() throws Exception {
    TopicReader.readAll(
        stack.bootstrapServers(),
        Topics.DEAD_LETTERS,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        GARBAGE,
        TIMEOUT,
        Duration.ZERO);
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/health"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    assertThat(health.body()).contains("normalizer");
  }

  @Test
  void shouldWriteEveryEvalExactlyOnce() {
    List<ConsumerRecord<String, EvalResult>> out =
        TopicReader.readAll(
            stack.bootstrapServers(),
            Topics.EVALS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, EvalResult.class),
            expectedEvals.size(),
            TIMEOUT,
            QUIET);

    assertThat(out).hasSize(RUNS * EVALS_PER_RUN);
    assertThat(out.stream().map(r -> identity(r.value())).collect(Collectors.toSet()))
        .isEqualTo(expectedEvals.keySet());
  }

  @Test
  void shouldWriteGivenAndAutoRegisteredRunsOnce() {
    List<ConsumerRecord<String, Run>> out =
        TopicReader.readAll(
            stack.bootstrapServers(),
            Topics.RUNS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, Run.class),
            RUNS,
            TIMEOUT,
            QUIET);

    assertThat(out).hasSize(RUNS);
    assertThat(out).extracting(ConsumerRecord::key).doesNotHaveDuplicates();
    assertThat(out)
        .filteredOn(r -> r.value().getNonEmbeddingParameters() == null)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrder("it/run-5", "it/run-6", "it/run-7", "it/run-8", "it/run-9");
    // keyed by project + run id, but beside the run's points (which are keyed by run id)
    assertThat(out)
        .allSatisfy(
            r ->
                assertThat(r.partition())
                    .isEqualTo(RunKey.partition(r.value().getRunId(), PARTITIONS)));
  }

  @Test
  void shouldDeadLetterEveryBadRecordWithItsOriginalBytes() {
    List<ConsumerRecord<byte[], DeadLetter>> out =
        TopicReader.readAll(
            stack.bootstrapServers(),
            Topics.DEAD_LETTERS,
            new ByteArrayDeserializer(),
            AvroKafkaDeserializer.specific(registry, DeadLetter.class),
            GARBAGE,
            TIMEOUT,
            QUIET);

    assertThat(out).hasSize(GARBAGE);
    Set<ByteBuffer> sent = garbageValues.stream().map(ByteBuffer::wrap).collect(Collectors.toSet());
    Set<ByteBuffer> lettered =
        out.stream().map(r -> r.value().getValue()).collect(Collectors.toSet());
    assertThat(lettered).isEqualTo(sent);
    assertThat(out)
        .extracting(r -> r.value().getReason())
        .allSatisfy(
            reason ->
                assertThat(reason)
                    .containsAnyOf(
                        "unknown magic byte",
                        "unknown schema id",
                        "truncated or corrupt Avro",
                        "step must be >= 0"));
  }
}
