package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running normalizer: a Kafka Streams app over {@link NormalizerTopology} with exactly_once_v2.
 *
 * <p>{@link #start(NormalizerConfig)} returns once the app is started (it then joins its consumer
 * group and restores its stores in the background); {@link #isRunning()} says whether it is running
 * or rebalancing, for a health check. Bad records never stop it (they become dead letters), and
 * neither does an output the broker refuses for good ({@link DeadLetteringProductionHandler}). An
 * exception that escapes processing (registry unreachable, broker fenced the producer, a store
 * failure) is logged with its cause and shuts the app down, so that {@link #isRunning()} turns
 * false instead of the app dying silently. Thread-safe; {@link #close()} is idempotent.
 */
public final class Normalizer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Normalizer.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** How often the lag on {@link Topics#RAW} is checked. */
  static final Duration LAG_CHECK_INTERVAL = Duration.ofSeconds(30);

  /**
   * Records behind on {@link Topics#RAW} above which a warning is logged (a few minutes of a busy
   * sweep; the raw topic keeps records 7 days from arrival).
   */
  static final long LAG_WARNING_RECORDS = 1_000_000;

  /**
   * How long records of {@link Topics#RAW} may wait from arrival until the normalizer reads them
   * before a warning is logged: a day, while the topic keeps them 7 days from arrival.
   */
  static final Duration DELAY_WARNING = Duration.ofDays(1);

  private final KafkaStreams streams;
  private final SchemaRegistryClient registry;
  private final NormalizerConfig config;
  private final ScheduledExecutorService lagCheck;

  private Normalizer(KafkaStreams streams, SchemaRegistryClient registry, NormalizerConfig config) {
    this.streams = streams;
    this.registry = registry;
    this.config = config;
    this.lagCheck =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "normalizer-lag-check");
              t.setDaemon(true);
              return t;
            });
    lagCheck.scheduleWithFixedDelay(
        this::warnIfBehind,
        LAG_CHECK_INTERVAL.toSeconds(),
        LAG_CHECK_INTERVAL.toSeconds(),
        TimeUnit.SECONDS);
  }

  /**
   * Builds the topology and starts the app.
   *
   * @throws org.apache.kafka.common.config.ConfigException if a Kafka Streams override is invalid
   * @throws IllegalArgumentException if the registry URL is invalid
   */
  public static Normalizer start(NormalizerConfig config) {
    Objects.requireNonNull(config, "config");
    SchemaRegistryClient registry = SchemaRegistryClients.forUrl(config.registryUrl());
    KafkaStreams streams =
        new KafkaStreams(
            NormalizerTopology.buildTopology(registry, config), config.toStreamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          log.error(
              "Normalizer {} stops: processing failed and cannot continue ({}); fix the cause and restart, "
                  + "it resumes from its last committed offsets",
              config.applicationId(),
              e.toString(),
              e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> log.info("Normalizer {}: {} -> {}", config.applicationId(), before, now));
    try {
      streams.start();
    } catch (RuntimeException e) {
      streams.close(CLOSE_TIMEOUT);
      registry.close();
      throw e;
    }
    log.info(
        "Normalizer {} started ({} thread(s), reading {} at {})",
        config.applicationId(),
        config.threads(),
        Topics.RAW,
        config.bootstrapServers());
    return new Normalizer(streams, registry, config);
  }

  /**
   * Returns true while the app runs or rebalances; false once it failed, is stopping or stopped.
   */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }

  /**
   * Returns the Kafka Streams state name (e.g. RUNNING, REBALANCING, ERROR), for a health detail.
   */
  public String state() {
    return streams.state().name();
  }

  /**
   * Returns how many records of {@link Topics#RAW} this instance's consumers have not read yet
   * (summed over its partitions, from the consumer's {@code records-lag} metrics; 0 before the
   * first fetch).
   */
  public long lag() {
    long lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
      MetricName name = entry.getKey();
      if (name.name().equals("records-lag")
          && name.group().equals("consumer-fetch-manager-metrics")
          && Topics.RAW.equals(name.tags().get("topic"))
          && entry.getValue().metricValue() instanceof Number value
          && Double.isFinite(value.doubleValue())) {
        lag += Math.max(0, value.longValue());
      }
    }
    return lag;
  }

  /**
   * Returns how long the records of {@link Topics#RAW} this instance read lately had waited since
   * they arrived (the largest over the last minute, 0 before any): while it is behind, the age of
   * the oldest record not yet processed. Their timestamps are arrival times (LogAppendTime), so
   * this is what must stay well below the topic's 7-day retention.
   */
  public long delayMillis() {
    return delayMillis(streams.metrics());
  }

  /** The largest {@code record-e2e-latency-max} of the raw source node among {@code metrics}. */
  static long delayMillis(Map<MetricName, ? extends Metric> metrics) {
    double delay = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      if (name.name().equals("record-e2e-latency-max")
          && NormalizerTopology.SOURCE.equals(name.tags().get("processor-node-id"))
          && entry.getValue().metricValue() instanceof Number value
          && Double.isFinite(value.doubleValue())) {
        delay = Math.max(delay, value.doubleValue());
      }
    }
    return (long) delay;
  }

  /**
   * Returns how many output records this instance skipped because the broker refused them for good
   * (each dead-lettered by {@link DeadLetteringProductionHandler}), from Kafka Streams' {@code
   * dropped-records-total} task metrics.
   */
  public long droppedRecords() {
    double dropped = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
      MetricName name = entry.getKey();
      if (name.name().equals("dropped-records-total")
          && entry.getValue().metricValue() instanceof Number value) {
        dropped += value.doubleValue();
      }
    }
    return (long) dropped;
  }

  /** What /health shows beside the normalizer's state: lag, delay and dropped records. */
  public Map<String, Object> healthDetails() {
    return Map.of(
        "lagRecords", lag(), "delayMillis", delayMillis(), "droppedRecords", droppedRecords());
  }

  private void warnIfBehind() {
    try {
      long lag = lag();
      Duration delay = Duration.ofMillis(delayMillis());
      if (lag > LAG_WARNING_RECORDS || delay.compareTo(DELAY_WARNING) > 0) {
        log.warn(
            "Normalizer {} is {} records behind on {}, reading records that arrived {} ago; {}"
                + " keeps records 7 days from arrival, so a backlog older than that would be lost:"
                + " add threads or instances",
            config.applicationId(),
            lag,
            Topics.RAW,
            delay,
            Topics.RAW);
      }
    } catch (RuntimeException e) {
      log.debug("Normalizer lag check failed", e);
    }
  }

  /** Returns the config the app was started with. */
  public NormalizerConfig config() {
    return config;
  }

  /**
   * Stops the app (waiting up to 30 s for the last commit), leaves the consumer group so that a
   * restart or another instance takes the partitions over at once (instead of after the session
   * timeout, 45 s), and releases the registry client.
   */
  @Override
  public void close() {
    lagCheck.shutdownNow();
    if (!streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT))) {
      log.warn(
          "Normalizer {} did not stop within {}; its threads may still be shutting down",
          config.applicationId(),
          CLOSE_TIMEOUT);
    }
    registry.close();
  }
}
