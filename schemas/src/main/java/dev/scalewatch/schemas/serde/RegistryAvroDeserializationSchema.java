package dev.scalewatch.schemas.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A Flink {@link DeserializationSchema} of Confluent wire-format bytes into Avro records. It does
 * not see partition and offset: prefer {@link RegistryAvroRecordDeserializationSchema} with a
 * KafkaSource.
 *
 * <p>Serializable (registry URL, topic for messages, target type); the decoder is created on the
 * task manager. Bad bytes raise {@link AvroSerdeException} naming the topic and the reason (the
 * task fails). Produces Avro type infos, so it works with {@code pipeline.generic-types=false}.
 *
 * @param <T> the decoded type
 */
public final class RegistryAvroDeserializationSchema<T> implements DeserializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final FlinkDecoder<T> decoder;
  private final String topic;

  private RegistryAvroDeserializationSchema(FlinkDecoder<T> decoder, String topic) {
    this.decoder = decoder;
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /** Returns a schema decoding a topic into a generated class. */
  public static <T extends SpecificRecordBase> RegistryAvroDeserializationSchema<T> specific(
      Class<T> type, String registryUrl, String topic) {
    return new RegistryAvroDeserializationSchema<>(FlinkDecoder.specific(registryUrl, type), topic);
  }

  /** Returns a schema decoding a topic into GenericRecords of a reader schema. */
  public static RegistryAvroDeserializationSchema<GenericRecord> generic(
      Schema readerSchema, String registryUrl, String topic) {
    return new RegistryAvroDeserializationSchema<>(
        FlinkDecoder.generic(registryUrl, readerSchema), topic);
  }

  @Override
  public void open(InitializationContext context) {
    decoder.decoder();
  }

  /**
   * Decodes bytes; null stays null.
   *
   * @throws AvroSerdeException naming the topic and the reason
   */
  @Override
  public T deserialize(byte[] message) {
    return decoder.decoder().decode(topic, message);
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return decoder.typeInformation();
  }
}
