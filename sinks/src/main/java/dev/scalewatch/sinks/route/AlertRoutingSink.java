package dev.scalewatch.sinks.route;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import dev.scalewatch.schemas.serde.AvroDecoder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code scalewatch.alerts} (read_committed) and hands each alert to the {@link AlertRouter}.
 *
 * <p>Restart without re-firing: the position up to which alerts were handed to the receivers'
 * queues is committed to Kafka under the consumer group {@value #GROUP} after every poll. At start
 * the sink reads the topic from the beginning: records before the committed offset only rebuild
 * which alerts fire now ({@link AlertRouter#remember}, so Alertmanager keeps hearing of them),
 * records after it are delivered. A partition without a committed offset (routing never ran on it)
 * starts delivering at its end as of this start: old alerts are not sent to receivers that are new
 * to them. The price of committing at hand-off rather than at delivery: alerts still queued when
 * the process dies are not delivered after the restart (Alertmanager still gets the firing ones
 * again); at a normal stop the receivers get 5 s to empty their queues.
 *
 * <p>An undecodable record is logged and skipped; an unreachable registry is retried every second.
 * Runs on a thread of its own. Thread-safe accessors.
 */
public final class AlertRoutingSink implements AutoCloseable {

  /** The consumer group holding the position up to which alerts were routed. */
  public static final String GROUP = "scalewatch-alert-router";

  private static final Logger log = LoggerFactory.getLogger(AlertRoutingSink.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroDecoder<Alert> alerts;
  private final AlertRouter router;
  private final Thread thread;
  private final Map<TopicPartition, Long> deliverFrom = new HashMap<>();
  private volatile boolean running = true;
  private volatile long lag = -1;

  private AlertRoutingSink(
      String bootstrapServers, SchemaRegistryClient registry, AlertRouter router) {
    this.router = router;
    this.alerts = AvroDecoder.specific(registry, Alert.class);
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                GROUP,
                ConsumerConfig.CLIENT_ID_CONFIG,
                GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "scalewatch-alert-routing");
    thread.setDaemon(true);
  }

  /**
   * Assigns every partition of {@code scalewatch.alerts} (which must exist), finds where delivery
   * starts, and starts reading on a thread of its own. The sink owns the router from here: closing
   * the sink (or a failed start) closes it.
   */
  public static AlertRoutingSink start(
      String bootstrapServers, SchemaRegistryClient registry, AlertRouter router) {
    AlertRoutingSink sink = new AlertRoutingSink(bootstrapServers, registry, router);
    try {
      sink.assign();
    } catch (RuntimeException e) {
      sink.consumer.close();
      try {
        router.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
    sink.thread.start();
    return sink;
  }

  private void assign() {
    var partitions =
        consumer.partitionsFor(Topics.ALERTS, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(
          "topic " + Topics.ALERTS + " does not exist: alert routing starts after the topics");
    }
    consumer.assign(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(30));
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    Map<TopicPartition, OffsetAndMetadata> firstMarks = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata mark = committed.get(partition);
      if (mark == null) {
        deliverFrom.put(partition, ends.get(partition));
        firstMarks.put(partition, new OffsetAndMetadata(ends.get(partition)));
      } else {
        deliverFrom.put(partition, mark.offset());
      }
    }
    if (!firstMarks.isEmpty()) {
      consumer.commitSync(firstMarks);
    }
    consumer.seekToBeginning(partitions);
  }

  private void run() {
    boolean caughtUp = false;
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        boolean routed = false;
        for (ConsumerRecord<byte[], byte[]> record : polled) {
          Alert alert = decode(record);
          if (alert == null) {
            continue;
          }
          var partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < deliverFrom.get(partition)) {
            router.remember(alert);
          } else {
            router.route(alert);
            routed = true;
          }
        }
        if (routed) {
          commitPositions();
        }
        caughtUp = updateLag(caughtUp);
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (Throwable t) {
      log.error("Alert routing stopped; alerts are no longer delivered", t);
    } finally {
      running = false;
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Checks the lag; once the history is read, re-sends what fires so Alertmanager hears it. */
  private boolean updateLag(boolean caughtUp) {
    var ends = consumer.endOffsets(consumer.assignment());
    long total = 0;
    boolean historyRead = true;
    for (var end : ends.entrySet()) {
      long position = consumer.position(end.getKey());
      total += Math.max(0, end.getValue() - position);
      historyRead &= position >= deliverFrom.get(end.getKey());
    }
    lag = total;
    if (!caughtUp && historyRead) {
      router.resendFiring();
      return true;
    }
    return caughtUp;
  }

  private void commitPositions() {
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    for (TopicPartition partition : consumer.assignment()) {
      positions.put(partition, new OffsetAndMetadata(consumer.position(partition)));
    }
    consumer.commitSync(positions);
  }

  private Alert decode(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
    if (record.value() == null) {
      return null;
    }
    while (running) {
      try {
        return alerts.decode(record.topic(), record.partition(), record.offset(), record.value());
      } catch (RuntimeException e) {
        if (!(e.getCause() instanceof SchemaRegistryException registry && registry.isTransient())) {
          log.warn(
              "Alert at {}-{}@{} skipped, undecodable: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              e.getMessage());
          return null;
        }
        log.warn("Alert routing cannot reach the registry ({}); retrying in 1 s", registry);
        Thread.sleep(1000);
      }
    }
    return null;
  }

  /** False once it stopped: closed, or failed (see the log). */
  public boolean isRunning() {
    return running && thread.isAlive();
  }

  /** Records of {@code scalewatch.alerts} not read yet; -1 before the first check. */
  public long lagRecords() {
    return lag;
  }

  /** Details for {@code /health}. */
  public Map<String, Object> details() {
    return Map.of("lagRecords", lag, "firing", router.firingCount());
  }

  /** Stops reading, then stops the router (its receivers get a few seconds to empty queues). */
  @Override
  public void close() throws Exception {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
    router.close();
  }
}
