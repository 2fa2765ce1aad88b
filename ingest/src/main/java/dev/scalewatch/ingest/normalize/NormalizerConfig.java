package dev.scalewatch.ingest.normalize;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/**
 * Settings of the normalizer: where Kafka and the registry are, the Kafka Streams application id,
 * where state lives, how many stream threads run and how many dedup keys each partition remembers.
 *
 * <p>Build one with {@link #of(String, String, Path)} and the {@code with...} methods. The
 * constructor validates every value and throws {@link IllegalArgumentException} naming the setting,
 * the value and the limit. Immutable and thread-safe.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param registryUrl schema registry URL, {@code http(s)://host:port} or {@code mock://scope}
 * @param applicationId Kafka Streams application id (consumer group, prefix of internal topics)
 * @param stateDirectory directory of the Kafka Streams state (changelog-backed stores)
 * @param threads stream threads, 1 or more (each handles some of the raw topic's partitions)
 * @param dedupEntriesPerPartition keys the dedup store of one partition remembers before it forgets
 *     the least recently seen one
 * @param dedupChangelog whether the dedup store is backed by a changelog topic (default true): with
 *     it, the dedup memory survives restarts and rebalances; without it, each put costs no extra
 *     record (about twice the throughput) but a task starts with an empty memory, so a retry of a
 *     point processed before a restart passes again
 * @param streamsOverrides further Kafka Streams, consumer or producer settings (e.g. {@code
 *     linger.ms}); they win over the defaults of {@link #toStreamsProperties()}
 */
public record NormalizerConfig(
    String bootstrapServers,
    String registryUrl,
    String applicationId,
    Path stateDirectory,
    int threads,
    int dedupEntriesPerPartition,
    boolean dedupChangelog,
    Map<String, Object> streamsOverrides) {

  /** Default application id. */
  public static final String DEFAULT_APPLICATION_ID = "scalewatch-normalizer";

  /** Default number of dedup keys per partition (about 20 MB of heap per partition). */
  public static final int DEFAULT_DEDUP_ENTRIES = 100_000;

  /** Validates every setting. */
  public NormalizerConfig {
    requireText("bootstrapServers", bootstrapServers);
    requireText("registryUrl", registryUrl);
    requireText("applicationId", applicationId);
    Objects.requireNonNull(stateDirectory, "stateDirectory");
    if (threads < 1) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "normalizer threads must be >= 1: %d (use 1 per core you can spare)",
              threads));
    }
    if (dedupEntriesPerPartition < 1) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "normalizer dedupEntriesPerPartition must be >= 1: %d (default %d)",
              dedupEntriesPerPartition,
              DEFAULT_DEDUP_ENTRIES));
    }
    streamsOverrides = Map.copyOf(streamsOverrides);
  }

  /**
   * Returns a config with the defaults: application id {@value #DEFAULT_APPLICATION_ID}, 1 thread.
   */
  public static NormalizerConfig of(
      String bootstrapServers, String registryUrl, Path stateDirectory) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        DEFAULT_APPLICATION_ID,
        stateDirectory,
        1,
        DEFAULT_DEDUP_ENTRIES,
        true,
        Map.of());
  }

  /** Returns a copy with another application id. */
  public NormalizerConfig withApplicationId(String id) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        id,
        stateDirectory,
        threads,
        dedupEntriesPerPartition,
        dedupChangelog,
        streamsOverrides);
  }

  /** Returns a copy with another number of stream threads. */
  public NormalizerConfig withThreads(int count) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        applicationId,
        stateDirectory,
        count,
        dedupEntriesPerPartition,
        dedupChangelog,
        streamsOverrides);
  }

  /** Returns a copy with another dedup bound per partition. */
  public NormalizerConfig withDedupEntriesPerPartition(int entries) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        applicationId,
        stateDirectory,
        threads,
        entries,
        dedupChangelog,
        streamsOverrides);
  }

  /** Returns a copy with or without the dedup store's changelog (see the record comment). */
  public NormalizerConfig withDedupChangelog(boolean changelog) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        applicationId,
        stateDirectory,
        threads,
        dedupEntriesPerPartition,
        changelog,
        streamsOverrides);
  }

  /** Returns a copy with further Kafka Streams settings (they replace earlier overrides). */
  public NormalizerConfig withStreamsOverrides(Map<String, Object> overrides) {
    return new NormalizerConfig(
        bootstrapServers,
        registryUrl,
        applicationId,
        stateDirectory,
        threads,
        dedupEntriesPerPartition,
        dedupChangelog,
        overrides);
  }

  /** The producer's default {@code max.request.size}, 1 MiB. */
  static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  /** Room left in a producer request for key, headers and record overhead. */
  static final int OUTPUT_HEADROOM_BYTES = 4096;

  /**
   * Returns the largest serialized output value the normalizer writes: the producer's {@code
   * max.request.size} (an override, else 1 MiB) less {@value #OUTPUT_HEADROOM_BYTES} bytes. Larger
   * outputs are dead-lettered instead of failing the transaction ({@link SizeLimitedSerializer}).
   */
  public int maxOutputBytes() {
    Object configured =
        streamsOverrides.getOrDefault(
            StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
            streamsOverrides.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    int limit =
        configured == null
            ? DEFAULT_MAX_REQUEST_BYTES
            : Integer.parseInt(configured.toString().trim());
    return Math.max(1, limit - OUTPUT_HEADROOM_BYTES);
  }

  /**
   * Producer batch size: 256 KiB per partition halves the broker's and the producer's CPU per
   * event.
   */
  public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  /**
   * Returns the Kafka Streams properties: exactly_once_v2, the stream threads, the state directory,
   * log-and-fail on undeserializable input (the raw topic is read as bytes, so it cannot happen),
   * {@link DeadLetteringProductionHandler} for outputs the broker refuses for good, producer
   * batches of {@value #PRODUCER_BATCH_BYTES} bytes, then the overrides.
   */
  public Properties toStreamsProperties() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class);
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetteringProductionHandler.class);
    props.put(DeadLetteringProductionHandler.REGISTRY_URL_CONFIG, registryUrl);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    props.putAll(streamsOverrides);
    return props;
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "normalizer %s must not be blank: '%s'", name, value));
    }
  }
}
