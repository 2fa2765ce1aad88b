package dev.scalewatch.sinks.consume;

import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import dev.scalewatch.sinks.store.Batch;
import dev.scalewatch.sinks.store.Store;
import dev.scalewatch.sinks.store.StoreChange;
import dev.scalewatch.sinks.store.StoreWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies {@code scalewatch.runs}, {@code .metrics}, {@code .evals}, {@code .fits} and {@code
 * .alerts} into the store, exactly once across restarts: it reads with read_committed, and writes
 * each polled batch together with the next offset of every partition in one store transaction; at
 * start it seeks each partition to the offset the store holds (the beginning if none). No consumer
 * group is used: Kafka never holds its position, so the store and its rows cannot disagree.
 *
 * <p>A record that cannot be decoded, or that the database refuses on its own, is logged with
 * topic, partition, offset and reason and skipped (counted in {@link #skippedRecords()}). A store
 * or registry that fails as a whole (the registry unreachable, the database unwritable) is retried
 * every {@value #RETRY_MILLIS} ms from the offsets last committed, skipping nothing. The partitions
 * are those of the topics at start.
 *
 * <p>After each committed transaction it tells its listeners ({@link #addListener}) what changed,
 * on the sink's thread: a listener must return at once (hand the change to a queue of its own); one
 * that throws is logged and kept.
 *
 * <p>Runs on a thread of its own; the counters, {@link #isRunning()} and {@link #addListener} are
 * thread-safe.
 */
public final class StoreSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StoreSink.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_MILLIS = 1000;
  private static final long LAG_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final StoreWriter writer;
  private final TopicRecords records;
  private final Thread thread;
  private final AtomicLong stored = new AtomicLong();
  private final Map<String, AtomicLong> storedByTopic = new ConcurrentHashMap<>();
  private final AtomicLong skipped = new AtomicLong();
  private final List<Consumer<StoreChange>> listeners = new CopyOnWriteArrayList<>();
  private volatile long lag = -1;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long lagCheckedAt = System.nanoTime() - LAG_INTERVAL_NANOS;

  private StoreSink(String bootstrapServers, SchemaRegistryClient registry, Store store)
      throws SQLException {
    this.records = new TopicRecords(registry);
    this.writer = store.writer();
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "scalewatch-store-sink",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                50_000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "scalewatch-store-sink");
    thread.setDaemon(true);
  }

  /**
   * Assigns every partition of the store's topics (which must exist), seeks each to the offset the
   * store holds, and starts copying on a thread of its own.
   *
   * @throws IllegalStateException if a topic is missing
   */
  public static StoreSink start(String bootstrapServers, SchemaRegistryClient registry, Store store)
      throws SQLException {
    StoreSink sink = new StoreSink(bootstrapServers, registry, store);
    try {
      sink.assign();
      sink.seekToStoredOffsets();
    } catch (SQLException | RuntimeException e) {
      sink.consumer.close();
      sink.writer.close();
      throw e;
    }
    sink.thread.start();
    return sink;
  }

  private void assign() {
    var topics = consumer.listTopics(Duration.ofSeconds(30));
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : TopicRecords.TOPICS) {
      if (!topics.containsKey(topic)) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist: the store sink starts after the topics are made");
      }
      topics.get(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
  }

  private void seekToStoredOffsets() throws SQLException {
    Map<String, Map<Integer, Long>> offsets = writer.offsets();
    for (TopicPartition partition : consumer.assignment()) {
      Long next = offsets.getOrDefault(partition.topic(), Map.of()).get(partition.partition());
      if (next == null) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, next);
      }
    }
  }

  private void run() {
    boolean resume = false;
    try {
      while (running) {
        try {
          if (resume) {
            seekToStoredOffsets();
            resume = false;
          }
          ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
          if (!polled.isEmpty()) {
            store(polled);
          }
          updateLag();
        } catch (SQLException | SchemaRegistryException e) {
          if (!running) {
            break;
          }
          log.warn(
              "Store sink could not write ({}); retrying in {} ms from the offsets last stored",
              e.toString(),
              RETRY_MILLIS);
          resume = true;
          Thread.sleep(RETRY_MILLIS);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
      log.error("Store sink stopped; the store no longer follows the topics", t);
    } finally {
      running = false;
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Writes one poll as one transaction, or record by record if the database refuses the batch. */
  private void store(ConsumerRecords<byte[], byte[]> polled) throws SQLException {
    Batch batch = new Batch();
    Map<String, Integer> decodedByTopic = new HashMap<>();
    int skippedHere = 0;
    for (ConsumerRecord<byte[], byte[]> record : polled) {
      // A tombstone (compaction of scalewatch.runs) is only read past: the store keeps the run.
      if (record.value() != null) {
        if (decodeInto(batch, record)) {
          decodedByTopic.merge(record.topic(), 1, Integer::sum);
        } else {
          skippedHere++;
        }
      }
      batch.offset(record.topic(), record.partition(), record.offset() + 1);
    }
    try {
      writer.write(batch);
      decodedByTopic.forEach(this::countStored);
      skipped.addAndGet(skippedHere);
      tellListeners(batch);
    } catch (SQLException e) {
      log.warn(
          "The store refused a batch of {} records ({}); writing them one by one",
          polled.count(),
          e.toString());
      for (ConsumerRecord<byte[], byte[]> record : polled) {
        storeAlone(record);
      }
    }
  }

  private void storeAlone(ConsumerRecord<byte[], byte[]> record) throws SQLException {
    Batch batch = new Batch();
    boolean decoded = decodeInto(batch, record);
    batch.offset(record.topic(), record.partition(), record.offset() + 1);
    try {
      writer.write(batch);
      tellListeners(batch);
      if (record.value() == null) {
        return;
      }
      if (decoded) {
        countStored(record.topic(), 1);
      } else {
        skipped.incrementAndGet();
      }
    } catch (SQLException e) {
      // Only the offset: if the database takes that, the record was the problem.
      writer.write(new Batch().offset(record.topic(), record.partition(), record.offset() + 1));
      skipped.incrementAndGet();
      log.warn(
          "Skipped {}-{} offset {}: the store refused it: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  /**
   * Adds the record to the batch; false (logged) if it cannot be decoded. A registry that cannot be
   * reached is thrown, not skipped: the record is fine, and is read again after a pause.
   */
  private boolean decodeInto(Batch batch, ConsumerRecord<byte[], byte[]> record) {
    try {
      records.addTo(batch, record.topic(), record.partition(), record.offset(), record.value());
      return true;
    } catch (RuntimeException e) {
      if (e.getCause() instanceof SchemaRegistryException registry && registry.isTransient()) {
        throw registry;
      }
      log.warn(
          "Skipped {}-{} offset {}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return false;
    }
  }

  /** Tells {@code listener} what each transaction committed from now on changed. */
  public void addListener(Consumer<StoreChange> listener) {
    listeners.add(listener);
  }

  private void tellListeners(Batch batch) {
    if (listeners.isEmpty()) {
      return;
    }
    StoreChange change = batch.changes();
    if (change.isEmpty()) {
      return;
    }
    for (Consumer<StoreChange> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        log.warn("A store listener failed on a change; it stays registered", e);
      }
    }
  }

  private void countStored(String topic, int records) {
    stored.addAndGet(records);
    storedByTopic.computeIfAbsent(topic, t -> new AtomicLong()).addAndGet(records);
  }

  private void updateLag() {
    if (System.nanoTime() - lagCheckedAt < LAG_INTERVAL_NANOS) {
      return;
    }
    lagCheckedAt = System.nanoTime();
    var ends = consumer.endOffsets(consumer.assignment());
    long total = 0;
    for (var end : ends.entrySet()) {
      total += Math.max(0, end.getValue() - consumer.position(end.getKey()));
    }
    lag = total;
  }

  /** False once it stopped: closed, or failed (see the log). */
  public boolean isRunning() {
    return running && thread.isAlive();
  }

  /**
   * Records of the store's topics not read yet (read_committed end offsets less positions, checked
   * about every second); -1 before the first check.
   */
  public long lagRecords() {
    return lag;
  }

  /** Records written to the store since this sink started. */
  public long storedRecords() {
    return stored.get();
  }

  /** Records written to the store since this sink started, by topic (topics with none left out). */
  public Map<String, Long> storedRecordsByTopic() {
    Map<String, Long> counts = new TreeMap<>();
    storedByTopic.forEach((topic, count) -> counts.put(topic, count.get()));
    return counts;
  }

  /** Records skipped since this sink started (undecodable, or refused by the database). */
  public long skippedRecords() {
    return skipped.get();
  }

  /** What {@code /health} shows of the sink. */
  public Map<String, Object> details() {
    return Map.of(
        "lagRecords", lagRecords(),
        "storedRecords", storedRecords(),
        "storedRecordsByTopic", storedRecordsByTopic(),
        "skippedRecords", skippedRecords());
  }

  @Override
  public void close() throws Exception {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
    writer.close();
    if (failure != null) {
      log.info("Store sink had stopped on {}", failure.toString());
    }
  }
}
