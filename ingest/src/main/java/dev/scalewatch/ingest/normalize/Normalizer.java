package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.Objects;
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
 * or rebalancing, for a health check. Bad records never stop it (they become dead letters). An
 * exception that escapes processing (registry unreachable, broker fenced the producer, a store
 * failure) is logged with its cause and shuts the app down, so that {@link #isRunning()} turns
 * false instead of the app dying silently. Thread-safe; {@link #close()} is idempotent.
 */
public final class Normalizer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Normalizer.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final SchemaRegistryClient registry;
  private final NormalizerConfig config;

  private Normalizer(KafkaStreams streams, SchemaRegistryClient registry, NormalizerConfig config) {
    this.streams = streams;
    this.registry = registry;
    this.config = config;
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
