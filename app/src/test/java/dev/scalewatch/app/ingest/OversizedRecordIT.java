package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.embedded.EmbeddedKafkaBroker;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One record must not stop the normalizer. The Run (1,000 hyperparameters of 4,000
 * characters: 4 MB, but small enough compressed to reach raw) is refused at validation with the
 * field, its size and the limit; a Run that is valid but larger than the normalizer's producer
 * accepts (here a lowered {@code max.request.size}) is dead-lettered with its size and the limit
 * instead of failing the app's transaction. The points sent after both arrive and the app keeps
 * running.
 */
class OversizedRecordIT {

  private static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);
  private static final int OUTPUT_LIMIT = 100_000;
  private static final int POINTS = 50;

  @TempDir Path data;

  @Test
  void shouldDeadLetterOversizedRunsAndKeepProcessingTheRecordsAfterThem() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(data.resolve("kafka"), "127.0.0.1", 0, 0);
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(
                RegistryConfig.of(broker.bootstrapServers(), "127.0.0.1", 0));
        SchemaRegistryClient client = SchemaRegistryClients.forUrl(registry.url())) {
      TestTopics.createAndAwaitLeaders(broker.admin(), 2);
      NormalizerConfig config =
          NormalizerConfig.of(broker.bootstrapServers(), registry.url(), data.resolve("streams"))
              .withStreamsOverrides(Map.of("producer.max.request.size", OUTPUT_LIMIT));

      try (Normalizer normalizer = Normalizer.start(config)) {
        List<Object> events = new ArrayList<>();
        events.add(run("huge", 1_000, 4_000));
        events.add(run("big", 100, 1_500));
        for (int step = 0; step < POINTS; step++) {
          events.add(point("big", step));
          events.add(point("huge", step));
        }
        produce(broker.bootstrapServers(), client, events);

        List<ConsumerRecord<String, MetricPoint>> points =
            TopicReader.readAll(
                broker.bootstrapServers(),
                Topics.METRICS,
                new StringDeserializer(),
                AvroKafkaDeserializer.specific(client, MetricPoint.class),
                2 * POINTS,
                Duration.ofSeconds(60),
                Duration.ofSeconds(1));
        List<ConsumerRecord<byte[], DeadLetter>> letters =
            TopicReader.readAll(
                broker.bootstrapServers(),
                Topics.DEAD_LETTERS,
                new ByteArrayDeserializer(),
                AvroKafkaDeserializer.specific(client, DeadLetter.class),
                2,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1));

        assertThat(points).hasSize(2 * POINTS);
        assertThat(letters)
            .extracting(r -> r.value().getReason())
            .anySatisfy(
                reason ->
                    assertThat(reason)
                        .contains("hyperparameters must take at most 262144 bytes")
                        .contains("was 4004000 bytes in 1000 entries"))
            .anySatisfy(
                reason ->
                    assertThat(reason)
                        .startsWith("Run cannot be stored: a record of ")
                        .contains("is larger than the normalizer can write (95904 bytes"));
        assertThat(normalizer.isRunning()).isTrue();
      }
    }
  }

  private static Run run(String runId, int entries, int valueChars) {
    Map<String, String> hyperparameters = new HashMap<>();
    for (int i = 0; i < entries; i++) {
      hyperparameters.put(String.format("h%03d", i), "v".repeat(valueChars));
    }
    return Run.newBuilder()
        .setProject("oversized")
        .setRunId(runId)
        .setStatus(RunStatus.RUNNING)
        .setHyperparameters(hyperparameters)
        .setUpdatedAt(T0)
        .build();
  }

  private static MetricPoint point(String runId, int step) {
    return MetricPoint.newBuilder()
        .setProject("oversized")
        .setRunId(runId)
        .setStep(step)
        .setEventTime(T0.plusSeconds(step))
        .setMetric("loss")
        .setValue(1.0 / (step + 1))
        .build();
  }

  private static void produce(
      String bootstrapServers, SchemaRegistryClient client, List<Object> events) throws Exception {
    AvroKafkaSerializer<RawEvent> serializer = new AvroKafkaSerializer<>(client);
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "gzip",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                16 * 1024 * 1024),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (Object event : events) {
        String runId = event instanceof Run run ? run.getRunId() : ((MetricPoint) event).getRunId();
        // one at a time, so that raw keeps the order of the list
        producer
            .send(
                new ProducerRecord<>(
                    Topics.RAW,
                    runId.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(
                        Topics.RAW, RawEvent.newBuilder().setEvent(event).build())))
            .get();
      }
    }
  }
}
