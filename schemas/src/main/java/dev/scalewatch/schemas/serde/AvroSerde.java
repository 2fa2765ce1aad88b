package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka (Streams) {@link Serde} of Avro records in the Confluent wire format.
 *
 * <p>Either give it a registry client ({@code AvroSerde.specific(Run.class, client)}) or configure
 * it like Confluent's serdes: {@code serde.configure(Map.of("schema.registry.url", url), false)}.
 * Encoding auto-registers unless {@value SerdeConfig#AUTO_REGISTER_SCHEMAS} is false. The public
 * no-argument constructor serves Kafka Streams' {@code default.value.serde} by class: it decodes
 * GenericRecords, or generated classes when {@value SerdeConfig#SPECIFIC_AVRO_READER} is true.
 * Thread-safe once configured.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T> implements Serde<T> {

  private final Function<SchemaRegistryClient, AvroDecoder<T>> decoderFactory;
  private AvroKafkaSerializer<T> serializer;
  private AvroKafkaDeserializer<T> deserializer;

  /** Creates a serde that Kafka Streams configures by class (see the class comment). */
  public AvroSerde() {
    this(null, null);
  }

  private AvroSerde(
      Function<SchemaRegistryClient, AvroDecoder<T>> decoderFactory,
      SchemaRegistryClient registry) {
    this.decoderFactory = decoderFactory;
    if (registry != null) {
      use(registry, decoderFactory);
    }
  }

  /** Returns a serde of a generated class that must be configured with the registry URL. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type) {
    return new AvroSerde<>(registry -> AvroDecoder.specific(registry, type), null);
  }

  /**
   * Returns a serde of a generated class over a registry client (values; configure to use for
   * keys).
   */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient registry) {
    return new AvroSerde<>(r -> AvroDecoder.specific(r, type), registry);
  }

  /** Returns a serde of GenericRecords that must be configured with the registry URL. */
  public static AvroSerde<GenericRecord> generic() {
    return new AvroSerde<>(AvroDecoder::generic, null);
  }

  /** Returns a serde of GenericRecords over a registry client. */
  public static AvroSerde<GenericRecord> generic(SchemaRegistryClient registry) {
    return new AvroSerde<>(AvroDecoder::generic, registry);
  }

  /**
   * Configures both sides; reads {@value SerdeConfig#SCHEMA_REGISTRY_URL} unless built with a
   * client.
   *
   * @throws IllegalArgumentException if the URL is missing or invalid
   */
  @Override
  public synchronized void configure(Map<String, ?> configs, boolean isKey) {
    if (serializer == null) {
      SchemaRegistryClient registry = SchemaRegistryClients.forConfig(configs);
      use(
          registry,
          decoderFactory != null
              ? decoderFactory
              : r -> AvroKafkaDeserializer.decoderFor(r, configs));
    }
    serializer.configure(configs, isKey);
  }

  @Override
  public synchronized Serializer<T> serializer() {
    requireConfigured();
    return serializer;
  }

  @Override
  public synchronized Deserializer<T> deserializer() {
    requireConfigured();
    return deserializer;
  }

  private void use(
      SchemaRegistryClient registry, Function<SchemaRegistryClient, AvroDecoder<T>> decoders) {
    serializer = new AvroKafkaSerializer<>(registry);
    deserializer = new AvroKafkaDeserializer<>(decoders.apply(registry));
  }

  private void requireConfigured() {
    if (serializer == null) {
      throw new IllegalStateException(
          "AvroSerde is not configured: build it with a registry client or call "
              + "configure() with "
              + SerdeConfig.SCHEMA_REGISTRY_URL);
    }
  }
}
