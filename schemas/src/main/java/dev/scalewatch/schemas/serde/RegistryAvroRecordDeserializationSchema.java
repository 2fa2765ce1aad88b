package dev.scalewatch.schemas.serde;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink {@link KafkaRecordDeserializationSchema} of Confluent wire-format values into Avro
 * records, for {@code KafkaSource.builder().setDeserializer(...)}; it sees each record's topic,
 * partition and offset.
 *
 * <p>Tombstones (null values) are dropped. Bad bytes raise an {@link IOException} whose message
 * names topic, partition, offset and reason (the task fails), or, with {@link
 * #skippingBadRecords()}, are logged at WARN with the same message and dropped. Serializable; the
 * decoder is created on the task manager.
 *
 * @param <T> the decoded type
 */
public final class RegistryAvroRecordDeserializationSchema<T>
    implements KafkaRecordDeserializationSchema<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG =
      LoggerFactory.getLogger(RegistryAvroRecordDeserializationSchema.class);

  private final FlinkDecoder<T> decoder;
  private final boolean skipBadRecords;

  private RegistryAvroRecordDeserializationSchema(FlinkDecoder<T> decoder, boolean skipBadRecords) {
    this.decoder = decoder;
    this.skipBadRecords = skipBadRecords;
  }

  /** Returns a schema decoding values into a generated class, failing on bad bytes. */
  public static <T extends SpecificRecordBase> RegistryAvroRecordDeserializationSchema<T> specific(
      Class<T> type, String registryUrl) {
    return new RegistryAvroRecordDeserializationSchema<>(
        FlinkDecoder.specific(registryUrl, type), false);
  }

  /**
   * Returns a schema decoding values into GenericRecords of a reader schema, failing on bad bytes.
   */
  public static RegistryAvroRecordDeserializationSchema<GenericRecord> generic(
      Schema readerSchema, String registryUrl) {
    return new RegistryAvroRecordDeserializationSchema<>(
        FlinkDecoder.generic(registryUrl, readerSchema), false);
  }

  /** Returns a copy that logs and drops records it cannot decode instead of failing. */
  public RegistryAvroRecordDeserializationSchema<T> skippingBadRecords() {
    return new RegistryAvroRecordDeserializationSchema<>(decoder, true);
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder.decoder();
  }

  /**
   * Decodes a record's value and emits it; emits nothing for a tombstone or a skipped bad record.
   *
   * @throws IOException naming topic, partition, offset and reason, unless bad records are skipped
   */
  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out)
      throws IOException {
    if (record.value() == null) {
      return;
    }
    T value;
    try {
      value =
          decoder
              .decoder()
              .decode(record.topic(), record.partition(), record.offset(), record.value());
    } catch (AvroSerdeException e) {
      if (skipBadRecords) {
        LOG.warn("dropped a record: {}", e.getMessage());
        return;
      }
      throw new IOException(e.getMessage(), e);
    }
    out.collect(value);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return decoder.typeInformation();
  }
}
