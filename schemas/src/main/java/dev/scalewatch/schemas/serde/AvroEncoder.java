package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Encodes Avro records (specific or generic) to the Confluent wire format under the topic-name
 * subject ({@code <topic>-value} or {@code <topic>-key}).
 *
 * <p>With auto-register on, the record's schema is registered (or found) under the subject; off, it
 * must already be there. Ids and writers are cached per schema. Failures raise {@link
 * AvroSerdeException} naming the topic and the reason. Thread-safe.
 */
public final class AvroEncoder {

  private final SchemaRegistryClient registry;
  private final boolean autoRegister;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  /** Creates an encoder over a registry client; {@code autoRegister} registers unknown schemas. */
  public AvroEncoder(SchemaRegistryClient registry, boolean autoRegister) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.autoRegister = autoRegister;
  }

  /**
   * Encodes a record for a topic; null stays null (a tombstone).
   *
   * @param isKey whether the record is the key (subject {@code <topic>-key}) or the value
   * @throws AvroSerdeException if the value is not an Avro record, the registry refuses the schema,
   *     or a field does not match it
   */
  public byte[] encode(String topic, boolean isKey, Object record) {
    if (record == null) {
      return null;
    }
    if (!(record instanceof IndexedRecord indexed)) {
      throw AvroSerdeException.encoding(
          topic,
          String.format(
              Locale.ROOT,
              "value of type %s is not an Avro record (use a generated class or a GenericRecord)",
              record.getClass().getName()),
          null);
    }
    Schema schema = indexed.getSchema();
    String subject = isKey ? Topics.keySubject(topic) : Topics.valueSubject(topic);
    int id = schemaId(topic, subject, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(WireFormat.header(id));
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writers.computeIfAbsent(schema, s -> writerFor(indexed)).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw AvroSerdeException.encoding(
          topic,
          String.format(
              Locale.ROOT,
              "record of %s does not match its schema id %d: %s",
              schema.getFullName(),
              id,
              e.getMessage()),
          e);
    }
    return out.toByteArray();
  }

  private int schemaId(String topic, String subject, Schema schema) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    try {
      int id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
      ids.put(schema, id);
      return id;
    } catch (SchemaRegistryException e) {
      throw AvroSerdeException.encoding(
          topic,
          String.format(
              Locale.ROOT,
              "registry refused schema %s under subject '%s' (%s): %s",
              schema.getFullName(),
              subject,
              autoRegister ? "auto-register on" : "auto-register off: register it first",
              e.getMessage()),
          e);
    }
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> writerFor(IndexedRecord record) {
    if (record instanceof SpecificRecordBase specific) {
      return new SpecificDatumWriter<>(record.getSchema(), specific.getSpecificData());
    }
    return (DatumWriter<Object>)
        (DatumWriter<?>) GenericData.get().createDatumWriter(record.getSchema());
  }
}
