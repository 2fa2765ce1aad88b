package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.StackProcess;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault the hardening issue found: {@code scalewatch up} is SIGKILLed while a backfill of
 * month-old points is being written, and started again on the same data directory. Every point the
 * broker acknowledged must arrive in {@code scalewatch.metrics} exactly once, and nothing of {@code
 * scalewatch.raw} may be deleted by retention once the broker's first retention check ran (30 s
 * after start): with the event time as record timestamp, that check deleted the whole month-old
 * backlog before the restarted normalizer read it.
 */
class BackfillCrashIT {

  private static final Instant MONTH_AGO = Instant.now().minus(Duration.ofDays(30));
  private static final int RUNS = 8;
  private static final int MAX_POINTS = 200_000;
  private static final int KILL_AFTER_ACKS = 20_000;

  /**
   * The broker's first retention check runs 30 s after start ({@code log.initial.task.delay.ms}).
   */
  private static final Duration FIRST_RETENTION_CHECK = Duration.ofSeconds(35);

  @TempDir Path work;

  @Test
  void shouldDeliverEveryAcknowledgedMonthOldPointOnceAfterSigkillDuringBackfill()
      throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    int sent = 0;
    try (StackProcess stack = new StackProcess(work)) {
      stack.start(Duration.ofSeconds(120));
      try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
        AvroKafkaSerializer<RawEvent> serializer = new AvroKafkaSerializer<>(registry);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(),
                new ByteArraySerializer());
        try {
          while (sent < MAX_POINTS && acknowledged.size() < KILL_AFTER_ACKS) {
            MetricPoint point = point(sent);
            String id = id(point);
            producer.send(
                new ProducerRecord<>(
                    Topics.RAW,
                    null,
                    point.getEventTime().toEpochMilli(),
                    point.getRunId(),
                    serializer.serialize(
                        Topics.RAW, RawEvent.newBuilder().setEvent(point).build())),
                (metadata, e) -> {
                  if (e == null) {
                    acknowledged.add(id);
                  }
                });
            sent++;
          }
          stack.kill();
        } finally {
          producer.close(Duration.ZERO);
        }
      }
      Set<String> acked = Set.copyOf(acknowledged);
      assertThat(acked).hasSizeGreaterThanOrEqualTo(KILL_AFTER_ACKS);

      long restarted = System.nanoTime();
      stack.start(Duration.ofSeconds(120));
      try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
        List<ConsumerRecord<String, MetricPoint>> out =
            TopicReader.readAll(
                stack.bootstrapServers(),
                Topics.METRICS,
                new StringDeserializer(),
                AvroKafkaDeserializer.specific(registry, MetricPoint.class),
                acked.size(),
                Duration.ofSeconds(120),
                Duration.ofSeconds(3));
        Map<String, Long> copies =
            out.stream().collect(Collectors.groupingBy(r -> id(r.value()), Collectors.counting()));

        assertThat(copies.keySet()).as("acknowledged points in metrics").containsAll(acked);
        assertThat(copies.values()).as("copies of each point").allMatch(n -> n == 1L);
        assertThat(copies.size()).isLessThanOrEqualTo(sent);
      }

      long waited = System.nanoTime() - restarted;
      if (waited < FIRST_RETENTION_CHECK.toNanos()) {
        Thread.sleep((FIRST_RETENTION_CHECK.toNanos() - waited) / 1_000_000);
      }
      assertThat(earliestOffsets(stack.bootstrapServers()))
          .as("first offset of each raw partition after the retention check")
          .allSatisfy((partition, offset) -> assertThat(offset).isZero());
    }
  }

  private static Map<TopicPartition, Long> earliestOffsets(String bootstrapServers)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        query.put(new TopicPartition(Topics.RAW, p), OffsetSpec.earliest());
      }
      return admin.listOffsets(query).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
  }

  private static MetricPoint point(int i) {
    int step = i / RUNS;
    return MetricPoint.newBuilder()
        .setProject("backfill")
        .setRunId("run-" + (i % RUNS))
        .setStep(step)
        .setEventTime(MONTH_AGO.plusSeconds(step))
        .setMetric("train/loss")
        .setValue(1.0 / (step + 1))
        .build();
  }

  private static String id(MetricPoint point) {
    return point.getRunId() + "/" + point.getStep();
  }
}
