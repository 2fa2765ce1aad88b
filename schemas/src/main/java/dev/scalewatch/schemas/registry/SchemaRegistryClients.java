package dev.scalewatch.schemas.registry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Creates {@link SchemaRegistryClient}s from a URL: {@code http://} or {@code https://} for a real
 * registry, {@code mock://scope} for an in-memory one shared by every client of that scope in this
 * JVM (Confluent's convention for unit tests). Thread-safe.
 */
public final class SchemaRegistryClients {

  /** The Kafka-style config key of the registry URL. */
  public static final String URL_CONFIG = "schema.registry.url";

  /** The URL prefix of in-memory registries. */
  public static final String MOCK_PREFIX = "mock://";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private SchemaRegistryClients() {}

  /**
   * Returns a client for a registry URL. A comma-separated list uses its first entry.
   *
   * @throws IllegalArgumentException if the URL is blank or neither http(s):// nor mock://
   */
  public static SchemaRegistryClient forUrl(String url) {
    String first = url == null ? "" : url.split(",", -1)[0].trim();
    if (first.startsWith(MOCK_PREFIX)) {
      return MockScopes.client(first.substring(MOCK_PREFIX.length()));
    }
    if (first.startsWith("http://") || first.startsWith("https://")) {
      return new HttpSchemaRegistryClient(first, TIMEOUT);
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "%s must be http(s)://host:port or mock://scope, was '%s'",
            URL_CONFIG,
            url));
  }

  /**
   * Returns a client for the URL under {@value #URL_CONFIG} in Kafka-style configs.
   *
   * @throws IllegalArgumentException if the key is missing or its value is not a valid URL
   */
  public static SchemaRegistryClient forConfig(Map<String, ?> configs) {
    Object url = configs.get(URL_CONFIG);
    if (url == null) {
      throw new IllegalArgumentException(
          URL_CONFIG
              + " is missing: set it to the registry URL, e.g. http://localhost:8081 (or mock://test in unit tests)");
    }
    return forUrl(url.toString());
  }

  /** Forgets every schema of an in-memory scope, so that the next test starts empty. */
  public static void dropMockScope(String scope) {
    MockScopes.drop(scope);
  }
}
