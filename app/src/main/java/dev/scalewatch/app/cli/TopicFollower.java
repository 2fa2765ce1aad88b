package dev.scalewatch.app.cli;

import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an output topic from its beginning with read_committed, handing each value on, and stops at
 * the end of the topic unless it follows. The end is where each partition's position reaches its
 * end offset: a transactional topic ends with a commit marker, which is never delivered as a
 * record, so waiting to see the last offset as a record would wait forever.
 */
final class TopicFollower<T extends SpecificRecordBase> {

  private final String bootstrapServers;
  private final String topic;
  private final AvroKafkaDeserializer<T> values;

  TopicFollower(
      String bootstrapServers, SchemaRegistryClient registry, String topic, Class<T> type) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.values = AvroKafkaDeserializer.specific(registry, type);
  }

  /**
   * Reads until the end (or forever with {@code follow}); returns false if the topic is missing.
   */
  boolean read(boolean follow, Consumer<T> each, Runnable afterBatch) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      if (!consumer.listTopics(Duration.ofSeconds(15)).containsKey(topic)) {
        return false;
      }
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (true) {
        for (var record : consumer.poll(Duration.ofMillis(300))) {
          if (record.value() != null) {
            each.accept(record.value());
          }
        }
        afterBatch.run();
        if (!follow && atEnd(consumer, partitions)) {
          return true;
        }
      }
    }
  }

  /**
   * Whether every partition's position reached its end offset; under read_committed that is the
   * last stable offset, past any commit marker (a consumer waiting to read the last offset hangs).
   */
  static boolean atEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
  }
}
