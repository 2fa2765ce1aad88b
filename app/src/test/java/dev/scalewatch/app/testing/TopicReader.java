package dev.scalewatch.app.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a whole topic (read_committed) for the ITs: until a count, then until it stays quiet. */
public final class TopicReader {

  private TopicReader() {}

  /**
   * Reads {@code topic} from the beginning until at least {@code expected} records arrived (or
   * {@code timeout} passed), then keeps reading until no record came for {@code quiet}, so that
   * extra records (duplicates) would be seen too.
   */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(
      String bootstrapServers,
      String topic,
      Deserializer<K> keys,
      Deserializer<V> values,
      int expected,
      Duration timeout,
      Duration quiet) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG,
            "it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long lastArrival = System.nanoTime();
      while (System.nanoTime() < deadline) {
        ConsumerRecords<K, V> batch = consumer.poll(Duration.ofMillis(200));
        batch.forEach(records::add);
        if (!batch.isEmpty()) {
          lastArrival = System.nanoTime();
        } else if (records.size() >= expected
            && System.nanoTime() - lastArrival > quiet.toNanos()) {
          break;
        }
      }
    }
    return records;
  }
}
