package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} of Avro records (generated classes or GenericRecords) to the Confluent
 * wire format, under the subject {@code <topic>-value} (or {@code <topic>-key} for keys).
 *
 * <p>Either construct it with a registry client, or let Kafka create it by class and configure it
 * with {@value SerdeConfig#SCHEMA_REGISTRY_URL} and optionally {@value
 * SerdeConfig#AUTO_REGISTER_SCHEMAS} (default true). Failures raise {@link AvroSerdeException}.
 * Thread-safe once configured.
 *
 * @param <T> the record type
 */
public class AvroKafkaSerializer<T> implements Serializer<T> {

  private SchemaRegistryClient registry;
  private volatile AvroEncoder encoder;
  private volatile boolean isKey;

  /**
   * Creates a serializer that Kafka configures (needs {@value SerdeConfig#SCHEMA_REGISTRY_URL}).
   */
  public AvroKafkaSerializer() {}

  /** Creates a serializer of values over a registry client, auto-registering schemas. */
  public AvroKafkaSerializer(SchemaRegistryClient registry) {
    this(registry, true);
  }

  /** Creates a serializer of values over a registry client. */
  public AvroKafkaSerializer(SchemaRegistryClient registry, boolean autoRegister) {
    this.registry = registry;
    this.encoder = new AvroEncoder(registry, autoRegister);
  }

  /**
   * Reads {@value SerdeConfig#SCHEMA_REGISTRY_URL} (unless constructed with a client) and {@value
   * SerdeConfig#AUTO_REGISTER_SCHEMAS}.
   *
   * @throws IllegalArgumentException if the URL is missing or invalid, or the flag is not a boolean
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = SchemaRegistryClients.forConfig(configs);
    }
    this.isKey = isKey;
    this.encoder =
        new AvroEncoder(
            registry, SerdeConfig.flag(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true));
  }

  /**
   * Encodes a record; null stays null.
   *
   * @throws AvroSerdeException naming the topic and the reason
   * @throws IllegalStateException if neither constructed with a client nor configured
   */
  @Override
  public byte[] serialize(String topic, T data) {
    AvroEncoder current = encoder;
    if (current == null) {
      throw new IllegalStateException(
          "AvroKafkaSerializer is not configured: construct it with a registry "
              + "client or set "
              + SerdeConfig.SCHEMA_REGISTRY_URL);
    }
    return current.encode(topic, isKey, data);
  }
}
