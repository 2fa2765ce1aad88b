package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.embedded.EmbeddedKafkaBroker;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The normalizer's dedup memory survives a restart on another state directory (restored from its
 * changelog): retries of points processed before the restart are still dropped, and every point
 * arrives exactly once across both runs of the app. Runs on its own broker and registry so that it
 * can stop and start the normalizer itself.
 */
class NormalizerRestartIT {

  private static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);
  private static final int RUNS = 5;
  private static final int STEPS_BEFORE = 1_000;
  private static final int STEPS_AFTER = 400;
  private static final int RETRIES = 1_000;

  @TempDir Path data;

  @Test
  void shouldDropRetriesOfPointsProcessedBeforeRestartAndDeliverEachPointOnce() throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(data.resolve("kafka"), "127.0.0.1", 0, 0);
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(
                RegistryConfig.of(broker.bootstrapServers(), "127.0.0.1", 0));
        SchemaRegistryClient client = SchemaRegistryClients.forUrl(registry.url())) {
      TestTopics.createAndAwaitLeaders(broker.admin(), 2);
      NormalizerConfig first =
          NormalizerConfig.of(broker.bootstrapServers(), registry.url(), data.resolve("a"));
      List<MetricPoint> before = points(0, STEPS_BEFORE);

      produce(broker.bootstrapServers(), client, before);
      try (Normalizer normalizer = Normalizer.start(first)) {
        assertThat(
                readMetrics(
                    broker.bootstrapServers(), client, before.size(), Duration.ofMillis(500)))
            .hasSize(before.size());
      }
      List<MetricPoint> after = new ArrayList<>(points(STEPS_BEFORE, STEPS_BEFORE + STEPS_AFTER));
      Random random = new Random(7);
      for (int i = 0; i < RETRIES; i++) {
        after.add(before.get(random.nextInt(before.size())));
      }
      produce(broker.bootstrapServers(), client, after);
      // Same application id, fresh state directory: the stores must come back from their
      // changelogs.
      NormalizerConfig elsewhere =
          new NormalizerConfig(
              first.bootstrapServers(),
              first.registryUrl(),
              first.applicationId(),
              data.resolve("b"),
              first.threads(),
              first.dedupEntriesPerPartition(),
              first.dedupChangelog(),
              first.streamsOverrides());
      try (Normalizer restarted = Normalizer.start(elsewhere)) {
        List<ConsumerRecord<String, MetricPoint>> out =
            readMetrics(
                broker.bootstrapServers(),
                client,
                RUNS * (STEPS_BEFORE + STEPS_AFTER),
                Duration.ofSeconds(3));

        assertThat(out).hasSize(RUNS * (STEPS_BEFORE + STEPS_AFTER));
        assertThat(out)
            .extracting(r -> r.value().getRunId() + "/" + r.value().getStep())
            .doesNotHaveDuplicates();
        assertThat(restarted.isRunning()).isTrue();
        assertThat(restarted.lag()).as("records behind on raw").isZero();
      }
    }
  }

  private static List<MetricPoint> points(int fromStep, int toStep) {
    List<MetricPoint> points = new ArrayList<>();
    for (int step = fromStep; step < toStep; step++) {
      for (int r = 0; r < RUNS; r++) {
        points.add(
            MetricPoint.newBuilder()
                .setProject("restart")
                .setRunId("run-" + r)
                .setStep(step)
                .setEventTime(T0.plusSeconds(step))
                .setMetric("loss")
                .setValue(1.0 / (step + 1))
                .build());
      }
    }
    return points;
  }

  private static void produce(
      String bootstrapServers, SchemaRegistryClient client, List<MetricPoint> points) {
    AvroKafkaSerializer<RawEvent> serializer = new AvroKafkaSerializer<>(client);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all");
    TestTopics.FirstFailure failures = new TestTopics.FirstFailure();
    try (var producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (MetricPoint point : points) {
        producer.send(
            new ProducerRecord<>(
                Topics.RAW,
                point.getRunId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(Topics.RAW, RawEvent.newBuilder().setEvent(point).build())),
            failures);
      }
      producer.flush();
    }
    failures.check();
  }

  private static List<ConsumerRecord<String, MetricPoint>> readMetrics(
      String bootstrapServers, SchemaRegistryClient client, int expected, Duration quiet) {
    return TopicReader.readAll(
        bootstrapServers,
        Topics.METRICS,
        new StringDeserializer(),
        AvroKafkaDeserializer.specific(client, MetricPoint.class),
        expected,
        Duration.ofSeconds(60),
        quiet);
  }
}
