package dev.scalewatch.schemas.serde;

import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes Confluent wire-format bytes into Avro records: instances of a generated class when one is
 * given, {@link GenericRecord}s otherwise. The writer schema is fetched by id (cached); data is
 * resolved to the reader schema with Avro's schema resolution.
 *
 * <p>Bad bytes (empty, wrong magic byte, shorter than the header, unknown schema id, truncated or
 * corrupt Avro, writer incompatible with the reader) raise {@link AvroSerdeException} naming topic,
 * partition and offset where known, and the reason; it never exits the process. Thread-safe.
 *
 * @param <T> the decoded type
 */
public final class AvroDecoder<T> {

  private final SchemaRegistryClient registry;
  private final Function<Schema, DatumReader<T>> readerFactory;
  private final Map<Integer, DatumReader<T>> readersById = new ConcurrentHashMap<>();

  private AvroDecoder(
      SchemaRegistryClient registry, Function<Schema, DatumReader<T>> readerFactory) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerFactory = readerFactory;
  }

  /**
   * Returns a decoder into GenericRecords of each value's writer schema (for tools that read any
   * topic).
   */
  public static AvroDecoder<GenericRecord> generic(SchemaRegistryClient registry) {
    return new AvroDecoder<>(
        registry, writer -> new GenericDatumReader<>(writer, writer, GenericData.get()));
  }

  /**
   * Returns a decoder into GenericRecords of a fixed reader schema (writer data resolved to it).
   */
  public static AvroDecoder<GenericRecord> generic(
      SchemaRegistryClient registry, Schema readerSchema) {
    Objects.requireNonNull(readerSchema, "readerSchema");
    return new AvroDecoder<>(
        registry, writer -> new GenericDatumReader<>(writer, readerSchema, GenericData.get()));
  }

  /** Returns a decoder into instances of a generated class (its schema is the reader schema). */
  public static <T extends SpecificRecord> AvroDecoder<T> specific(
      SchemaRegistryClient registry, Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    Schema reader = model.getSchema(type);
    return new AvroDecoder<>(registry, writer -> new SpecificDatumReader<>(writer, reader, model));
  }

  /**
   * Returns a decoder into the generated class named like each writer schema (Confluent's {@code
   * specific.avro.reader=true}); GenericRecord when no such class is on the class path.
   */
  public static AvroDecoder<Object> specificByWriterName(SchemaRegistryClient registry) {
    return new AvroDecoder<>(
        registry,
        writer -> {
          Class<?> type = SpecificData.get().getClass(writer);
          if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
          }
          SpecificData model = SpecificData.getForClass(type);
          return new SpecificDatumReader<>(writer, model.getSchema(type), model);
        });
  }

  /** Decodes bytes whose partition and offset are unknown; null stays null (a tombstone). */
  public T decode(String topic, byte[] bytes) {
    return decode(topic, null, null, bytes);
  }

  /**
   * Decodes bytes read from a topic; null stays null (a tombstone).
   *
   * @param partition the partition, or null if unknown
   * @param offset the offset, or null if unknown
   * @throws AvroSerdeException naming topic, partition, offset and why the bytes cannot be decoded
   */
  public T decode(String topic, Integer partition, Long offset, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    int id;
    try {
      id = WireFormat.schemaId(bytes);
    } catch (IllegalArgumentException e) {
      throw AvroSerdeException.decoding(topic, partition, offset, e.getMessage(), null);
    }
    DatumReader<T> reader = readerFor(id, topic, partition, offset);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE, null);
    try {
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw AvroSerdeException.decoding(
          topic,
          partition,
          offset,
          String.format(
              Locale.ROOT,
              "truncated or corrupt Avro payload (%d bytes after the header) for schema id %d: %s",
              bytes.length - WireFormat.HEADER_SIZE,
              id,
              e),
          e);
    }
  }

  private DatumReader<T> readerFor(int id, String topic, Integer partition, Long offset) {
    DatumReader<T> cached = readersById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      String reason =
          e.errorCode() == ErrorCodes.SCHEMA_NOT_FOUND
              ? String.format(
                  Locale.ROOT,
                  "unknown schema id %d (%s): the value was written against another "
                      + "registry, or its schema was deleted",
                  id,
                  e.registryMessage())
              : String.format(
                  Locale.ROOT, "cannot fetch writer schema id %d: %s", id, e.getMessage());
      throw AvroSerdeException.decoding(topic, partition, offset, reason, e);
    }
    DatumReader<T> reader;
    try {
      reader = readerFactory.apply(writer);
    } catch (RuntimeException e) {
      throw AvroSerdeException.decoding(
          topic,
          partition,
          offset,
          String.format(
              Locale.ROOT,
              "cannot read writer schema id %d (%s): %s",
              id,
              writer.getFullName(),
              e.getMessage()),
          e);
    }
    readersById.putIfAbsent(id, reader);
    return reader;
  }
}
