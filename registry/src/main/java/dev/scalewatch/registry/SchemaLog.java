package dev.scalewatch.registry;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Durable storage of the registry: an append-only log of {@link LogRecord}s, replayed in full on
 * start.
 *
 * <p>{@link #kafka} keeps it in a compacted Kafka topic (the production store), {@link #inMemory}
 * in a list (for tests; a second registry over the same instance sees every record, like a
 * restart). Implementations are thread-safe.
 */
public interface SchemaLog extends AutoCloseable {

  /**
   * Feeds every record from the start to the current end, in order, to the sink.
   *
   * @throws dev.scalewatch.schemas.registry.SchemaRegistryException (50001) if the store cannot be
   *     read in time
   */
  void replay(Consumer<LogRecord> sink);

  /**
   * Appends a record and returns once the store has acknowledged it.
   *
   * @throws dev.scalewatch.schemas.registry.SchemaRegistryException (50001) if the write fails or
   *     times out
   */
  void append(LogRecord record);

  /** Releases connections; never throws. */
  @Override
  void close();

  /** Returns an empty log held in memory. */
  static SchemaLog inMemory() {
    return new InMemorySchemaLog();
  }

  /**
   * Returns a log in a Kafka topic, created if missing (1 partition, the broker's default
   * replication factor, {@code cleanup.policy=compact}).
   *
   * @param bootstrapServers the brokers, e.g. {@code localhost:9092}
   * @param topic the topic, normally {@code _schemas}
   * @param timeout how long creating the topic, reading it and each write may take
   */
  static SchemaLog kafka(String bootstrapServers, String topic, Duration timeout) {
    return new KafkaSchemaLog(bootstrapServers, topic, timeout);
  }
}
