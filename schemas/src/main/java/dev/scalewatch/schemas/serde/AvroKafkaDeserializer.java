package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} of Confluent wire-format bytes into Avro records.
 *
 * <p>Construct it with a decoder ({@link #specific}, {@link #generic}), or let Kafka create it by
 * class and configure it with {@value SerdeConfig#SCHEMA_REGISTRY_URL}; then it returns
 * GenericRecords, or generated classes named like the writer schema when {@value
 * SerdeConfig#SPECIFIC_AVRO_READER} is true.
 *
 * <p>Bad bytes raise {@link AvroSerdeException} naming the topic and the reason; the Kafka consumer
 * wraps it in a {@code RecordDeserializationException} that adds partition and offset. Thread-safe
 * once configured.
 *
 * @param <T> the record type
 */
public class AvroKafkaDeserializer<T> implements Deserializer<T> {

  private volatile AvroDecoder<? extends T> decoder;

  /**
   * Creates a deserializer that Kafka configures (needs {@value SerdeConfig#SCHEMA_REGISTRY_URL}).
   */
  public AvroKafkaDeserializer() {}

  /** Creates a deserializer over a decoder. */
  public AvroKafkaDeserializer(AvroDecoder<? extends T> decoder) {
    this.decoder = decoder;
  }

  /** Returns a deserializer into a generated class. */
  public static <T extends SpecificRecord> AvroKafkaDeserializer<T> specific(
      SchemaRegistryClient registry, Class<T> type) {
    return new AvroKafkaDeserializer<>(AvroDecoder.specific(registry, type));
  }

  /** Returns a deserializer into GenericRecords of the writer schema. */
  public static AvroKafkaDeserializer<GenericRecord> generic(SchemaRegistryClient registry) {
    return new AvroKafkaDeserializer<>(AvroDecoder.generic(registry));
  }

  /**
   * Reads {@value SerdeConfig#SCHEMA_REGISTRY_URL} and {@value SerdeConfig#SPECIFIC_AVRO_READER},
   * unless constructed with a decoder.
   *
   * @throws IllegalArgumentException if the URL is missing or invalid, or the flag is not a boolean
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (decoder == null) {
      decoder = decoderFor(SchemaRegistryClients.forConfig(configs), configs);
    }
  }

  /**
   * Returns the decoder the configs ask for: generated classes by writer name, or GenericRecords.
   */
  @SuppressWarnings("unchecked")
  static <T> AvroDecoder<T> decoderFor(SchemaRegistryClient registry, Map<String, ?> configs) {
    return SerdeConfig.flag(configs, SerdeConfig.SPECIFIC_AVRO_READER, false)
        ? (AvroDecoder<T>) AvroDecoder.specificByWriterName(registry)
        : (AvroDecoder<T>) AvroDecoder.generic(registry);
  }

  /**
   * Decodes bytes; null stays null.
   *
   * @throws AvroSerdeException naming the topic and the reason
   * @throws IllegalStateException if neither constructed with a decoder nor configured
   */
  @Override
  public T deserialize(String topic, byte[] data) {
    AvroDecoder<? extends T> current = decoder;
    if (current == null) {
      throw new IllegalStateException(
          "AvroKafkaDeserializer is not configured: construct it with a decoder "
              + "or set "
              + SerdeConfig.SCHEMA_REGISTRY_URL);
    }
    return current.decode(topic, data);
  }
}
