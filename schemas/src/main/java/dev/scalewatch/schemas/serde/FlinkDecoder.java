package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.Serializable;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;

/**
 * The decoder of a Flink deserialization schema in a serializable form: the registry URL and either
 * a generated class or a reader schema (kept as text). The {@link AvroDecoder} is created on first
 * use on the task manager. Names the Flink type with Avro type infos, so {@code
 * pipeline.generic-types=false} holds. Thread-safe.
 *
 * @param <T> the decoded type
 */
final class FlinkDecoder<T> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String registryUrl;
  private final Class<T> type;
  private final String readerSchema;
  private transient volatile AvroDecoder<T> decoder;

  private FlinkDecoder(String registryUrl, Class<T> type, String readerSchema) {
    this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
    this.type = Objects.requireNonNull(type, "type");
    this.readerSchema = readerSchema;
  }

  static <T extends SpecificRecordBase> FlinkDecoder<T> specific(
      String registryUrl, Class<T> type) {
    return new FlinkDecoder<>(registryUrl, type, null);
  }

  static FlinkDecoder<GenericRecord> generic(String registryUrl, Schema readerSchema) {
    return new FlinkDecoder<>(registryUrl, GenericRecord.class, readerSchema.toString());
  }

  /** Returns the decoder, creating it (and its registry client) on first use. */
  AvroDecoder<T> decoder() {
    AvroDecoder<T> current = decoder;
    if (current == null) {
      current = create();
      decoder = current;
    }
    return current;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private AvroDecoder<T> create() {
    var registry = SchemaRegistryClients.forUrl(registryUrl);
    if (readerSchema != null) {
      return (AvroDecoder<T>)
          AvroDecoder.generic(registry, new Schema.Parser().parse(readerSchema));
    }
    return (AvroDecoder<T>) AvroDecoder.specific(registry, (Class) type);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  TypeInformation<T> typeInformation() {
    if (readerSchema != null) {
      return (TypeInformation<T>)
          new GenericRecordAvroTypeInfo(new Schema.Parser().parse(readerSchema));
    }
    return new AvroTypeInfo(type);
  }
}
