package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Locale;
import java.util.Map;

/** Config keys of the Kafka serdes, named as Confluent names them. Stateless. */
public final class SerdeConfig {

  /** Registry URL: {@code http(s)://host:port} or {@code mock://scope}. Required. */
  public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClients.URL_CONFIG;

  /** Whether the serializer registers unknown schemas; default true. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /**
   * Whether the deserializer returns generated classes named like the writer schema; default false.
   */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  private SerdeConfig() {}

  /**
   * Reads a boolean config given as Boolean or text.
   *
   * @throws IllegalArgumentException naming key and value when it is neither true nor false
   */
  static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "%s must be true or false, was '%s'", key, value));
  }
}
