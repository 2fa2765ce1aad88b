package dev.scalewatch.sinks.metrics;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroDecoder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives the pipeline's metrics from its topics, as a plain consumer (no group, read_committed),
 * so they mean the same in one process or a distributed deployment: records per topic, dead letters
 * by reason, alerts by kind and state, fits by scope and their durations (the fit's {@code
 * fit_duration_micros}). Reads from the end of each topic as of its start: counters count from
 * then, as Prometheus counters do from a process start.
 *
 * <p>Only dead letters, fits and alerts are decoded; other records are counted. A record that
 * cannot be decoded is counted under its topic and left out of the breakdown. Runs on a thread of
 * its own; the meters are thread-safe.
 */
public final class TopicMetrics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicMetrics.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration[] FIT_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroDecoder<DeadLetter> deadLetters;
  private final AvroDecoder<Fit> fits;
  private final AvroDecoder<Alert> alerts;
  private final Map<String, Counter> recordsByTopic = new HashMap<>();
  private final Map<String, Counter> deadLettersByReason = new HashMap<>();
  private final Map<FitScope, Counter> fitsByScope = new EnumMap<>(FitScope.class);
  private final Map<FitScope, Timer> fitDurations = new EnumMap<>(FitScope.class);
  private final Map<AlertKind, Map<AlertState, Counter>> alertCounts =
      new EnumMap<>(AlertKind.class);
  private final Thread thread;
  private volatile boolean running = true;

  private TopicMetrics(
      String bootstrapServers, SchemaRegistryClient registry, MeterRegistry meters) {
    deadLetters = AvroDecoder.specific(registry, DeadLetter.class);
    fits = AvroDecoder.specific(registry, Fit.class);
    alerts = AvroDecoder.specific(registry, Alert.class);
    for (TopicSpec topic : Topics.DATA) {
      recordsByTopic.put(
          topic.name(),
          Counter.builder("scalewatch_topic_records")
              .description("Records appended to a ScaleWatch topic (committed ones)")
              .tag("topic", topic.name())
              .register(meters));
    }
    for (String reason : DeadLetterReasons.categories()) {
      deadLettersByReason.put(
          reason,
          Counter.builder("scalewatch_dead_letters")
              .description("Records the normalizer rejected, by reason")
              .tag("reason", reason)
              .register(meters));
    }
    for (FitScope scope : FitScope.values()) {
      String name = scope.name().toLowerCase(java.util.Locale.ROOT);
      fitsByScope.put(
          scope,
          Counter.builder("scalewatch_fits")
              .description("Fits published (a refit that changed the law materially), by scope")
              .tag("scope", name)
              .register(meters));
      fitDurations.put(
          scope,
          Timer.builder("scalewatch_fit_duration")
              .description("Wall-clock time of the published fits (fit_duration_micros)")
              .tag("scope", name)
              .serviceLevelObjectives(FIT_BUCKETS)
              .register(meters));
    }
    for (AlertKind kind : AlertKind.values()) {
      Map<AlertState, Counter> byState = new EnumMap<>(AlertState.class);
      for (AlertState state : AlertState.values()) {
        byState.put(
            state,
            Counter.builder("scalewatch_alerts")
                .description("Alert records (firing or resolved), by kind and state")
                .tag("kind", kind.name())
                .tag("state", state.name())
                .register(meters));
      }
      alertCounts.put(kind, byState);
    }
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "scalewatch-topic-metrics",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                10_000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    thread = new Thread(this::run, "scalewatch-topic-metrics");
    thread.setDaemon(true);
  }

  /** Assigns every partition of the data topics at their end and starts counting. */
  public static TopicMetrics start(
      String bootstrapServers, SchemaRegistryClient registry, MeterRegistry meters) {
    TopicMetrics metrics = new TopicMetrics(bootstrapServers, registry, meters);
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      var topics = metrics.consumer.listTopics(Duration.ofSeconds(30));
      for (TopicSpec topic : Topics.DATA) {
        topics
            .getOrDefault(topic.name(), List.of())
            .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      metrics.consumer.assign(partitions);
      metrics.consumer.seekToEnd(partitions);
      partitions.forEach(metrics.consumer::position);
    } catch (RuntimeException e) {
      metrics.consumer.close();
      throw e;
    }
    metrics.thread.start();
    return metrics;
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          recordsByTopic.get(record.topic()).increment();
          if (record.value() != null) {
            count(record);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (Throwable t) {
      log.error("Topic metrics stopped; the topic counters no longer move", t);
    } finally {
      running = false;
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void count(ConsumerRecord<byte[], byte[]> record) {
    try {
      switch (record.topic()) {
        case Topics.DEAD_LETTERS ->
            deadLettersByReason
                .get(DeadLetterReasons.categoryOf(decode(deadLetters, record).getReason()))
                .increment();
        case Topics.FITS -> {
          Fit fit = decode(fits, record);
          fitsByScope.get(fit.getScope()).increment();
          fitDurations
              .get(fit.getScope())
              .record(Math.max(0, fit.getFitDurationMicros()), TimeUnit.MICROSECONDS);
        }
        case Topics.ALERTS -> {
          Alert alert = decode(alerts, record);
          alertCounts.get(alert.getKind()).get(alert.getState()).increment();
        }
        default -> {
          // counted by topic only
        }
      }
    } catch (RuntimeException e) {
      log.debug(
          "Topic metrics could not decode {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset(),
          e);
    }
  }

  private static <T> T decode(AvroDecoder<T> decoder, ConsumerRecord<byte[], byte[]> record) {
    return decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
  }

  /** False once it stopped: closed, or failed (see the log). */
  public boolean isRunning() {
    return running && thread.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
  }
}
