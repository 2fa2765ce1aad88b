package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * A Flink {@link SerializationSchema} of Avro records to the Confluent wire format under {@code
 * <topic>-value} (or {@code -key}), for {@code KafkaRecordSerializationSchema.builder()}.
 *
 * <p>Serializable: it carries the registry URL and topic; the registry client is created on the
 * task manager. Failures raise {@link AvroSerdeException} (the task fails and restarts). Not shared
 * across threads by Flink; safe anyway.
 *
 * @param <T> the record type (a generated class or GenericRecord)
 */
public final class RegistryAvroSerializationSchema<T> implements SerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String registryUrl;
  private final String topic;
  private final boolean isKey;
  private final boolean autoRegister;
  private transient volatile AvroEncoder encoder;

  private RegistryAvroSerializationSchema(
      String registryUrl, String topic, boolean isKey, boolean autoRegister) {
    this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.isKey = isKey;
    this.autoRegister = autoRegister;
  }

  /** Returns a schema of values for a topic that registers unknown schemas. */
  public static <T> RegistryAvroSerializationSchema<T> forValues(String registryUrl, String topic) {
    return new RegistryAvroSerializationSchema<>(registryUrl, topic, false, true);
  }

  /** Returns a schema of keys for a topic that registers unknown schemas. */
  public static <T> RegistryAvroSerializationSchema<T> forKeys(String registryUrl, String topic) {
    return new RegistryAvroSerializationSchema<>(registryUrl, topic, true, true);
  }

  /** Returns a copy that requires the schema to be registered already. */
  public RegistryAvroSerializationSchema<T> withoutAutoRegister() {
    return new RegistryAvroSerializationSchema<>(registryUrl, topic, isKey, false);
  }

  @Override
  public void open(InitializationContext context) {
    encoder();
  }

  /**
   * Encodes a record.
   *
   * @throws AvroSerdeException naming the topic and the reason
   */
  @Override
  public byte[] serialize(T element) {
    return encoder().encode(topic, isKey, element);
  }

  private AvroEncoder encoder() {
    AvroEncoder current = encoder;
    if (current == null) {
      current = new AvroEncoder(SchemaRegistryClients.forUrl(registryUrl), autoRegister);
      encoder = current;
    }
    return current;
  }
}
