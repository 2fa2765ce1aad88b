package dev.scalewatch.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of {@code scalewatch.raw} counts from arrival: a record whose producer timestamp (the
 * event time) is a month old is stored with the time the broker appended it, on a new data
 * directory and on one whose raw topic was created before (switched at start).
 */
class RawRetentionIT {

  private static final Instant MONTH_AGO = Instant.now().minus(Duration.ofDays(30));

  @TempDir Path data;

  @Test
  void shouldStoreMonthOldPointsInRawWithTheirArrivalTime() throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(data.resolve("kafka"), "127.0.0.1", 0, 0)) {
      TopicSetup.ensureTopics(broker.admin(), 2);

      assertThat(timestampType(broker.admin())).isEqualTo("LogAppendTime");
      Instant before = Instant.now().minusSeconds(1);
      ConsumerRecord<String, byte[]> stored = produceAndRead(broker.bootstrapServers());
      assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
      assertThat(stored.timestamp()).isGreaterThanOrEqualTo(before.toEpochMilli());
    }
  }

  @Test
  void shouldSwitchRawTopicOfAnOlderDataDirectoryToArrivalTimeAtStart() throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.start(data.resolve("kafka"), "127.0.0.1", 0, 0)) {
      // as TopicSetup created it before: the producer's timestamp (the event time) counts
      broker.admin().createTopics(List.of(new NewTopic(Topics.RAW, 2, (short) 1))).all().get();
      assertThat(timestampType(broker.admin())).isEqualTo("CreateTime");

      TopicSetup.ensureTopics(broker.admin(), 2);
      List<String> changes = TopicSetup.ensureRequiredConfigs(broker.admin());

      assertThat(changes)
          .containsExactly("scalewatch.raw: message.timestamp.type CreateTime -> LogAppendTime");
      assertThat(timestampType(broker.admin())).isEqualTo("LogAppendTime");
      assertThat(TopicSetup.ensureRequiredConfigs(broker.admin())).isEmpty();
      ConsumerRecord<String, byte[]> stored = produceAndRead(broker.bootstrapServers());
      assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    }
  }

  /**
   * The raw topic's timestamp type, once the broker knows the topic (it may have just been
   * created).
   */
  private static String timestampType(Admin admin) throws Exception {
    ConfigResource raw = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RAW);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return admin
            .describeConfigs(List.of(raw))
            .all()
            .get()
            .get(raw)
            .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)
            .value();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static ConsumerRecord<String, byte[]> produceAndRead(String bootstrapServers)
      throws Exception {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.RAW,
                  null,
                  MONTH_AGO.toEpochMilli(),
                  "r1",
                  "month-old".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    List<ConsumerRecord<String, byte[]>> records =
        TopicReader.readAll(
            bootstrapServers,
            Topics.RAW,
            new StringDeserializer(),
            new ByteArrayDeserializer(),
            1,
            Duration.ofSeconds(30),
            Duration.ofMillis(200));
    assertThat(records).hasSize(1);
    return records.get(0);
  }
}
