package dev.scalewatch.registry;

import dev.scalewatch.schemas.Topics;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the embedded registry. Immutable and thread-safe.
 *
 * @param bootstrapServers the Kafka brokers that hold the schema topic (null only with an explicit
 *     log)
 * @param host the address to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port to listen on, 0 to pick a free one
 * @param topic the compacted topic of the schemas, normally {@value Topics#SCHEMAS}
 * @param timeout how long creating and reading the topic at start, and each write, may take
 */
public record RegistryConfig(
    String bootstrapServers, String host, int port, String topic, Duration timeout) {

  /** The default timeout: 30 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the setting, its value and the allowed range
   */
  public RegistryConfig {
    Objects.requireNonNull(host, "registry host must be set, e.g. 127.0.0.1");
    Objects.requireNonNull(topic, "registry topic must be set, e.g. " + Topics.SCHEMAS);
    Objects.requireNonNull(timeout, "registry timeout must be set");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "registry port must be in [0, 65535] (0 picks a free port), was %d",
              port));
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("registry timeout must be positive, was " + timeout);
    }
  }

  /** Returns settings with the default topic ({@value Topics#SCHEMAS}) and timeout (30 s). */
  public static RegistryConfig of(String bootstrapServers, String host, int port) {
    return new RegistryConfig(bootstrapServers, host, port, Topics.SCHEMAS, DEFAULT_TIMEOUT);
  }
}
