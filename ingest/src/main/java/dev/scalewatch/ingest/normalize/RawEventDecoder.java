package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import dev.scalewatch.schemas.serde.AvroDecoder;
import dev.scalewatch.schemas.serde.AvroSerdeException;
import dev.scalewatch.schemas.serde.WireFormat;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;

/**
 * Decodes the Confluent wire-format bytes of the raw topic into {@link RawEvent}s.
 *
 * <p>Bytes that can never decode (empty, wrong magic byte, shorter than the header, unknown schema
 * id, truncated or corrupt Avro, a writer schema other than RawEvent) raise {@link Rejected} with
 * the reason. A registry that cannot be reached, or answers with an error other than "schema not
 * found", is a transient failure: its {@link AvroSerdeException} propagates so that the record is
 * retried rather than dead-lettered. Thread-safe (the writer-schema cache is concurrent).
 */
final class RawEventDecoder {

  private final SchemaRegistryClient registry;
  private final AvroDecoder<Object> decoder;

  RawEventDecoder(SchemaRegistryClient registry) {
    this.registry = registry;
    this.decoder = AvroDecoder.specificByWriterName(registry);
  }

  RawEvent decode(String topic, int partition, long offset, byte[] value) throws Rejected {
    Object decoded;
    try {
      decoded = decoder.decode(topic, partition, offset, value);
    } catch (AvroSerdeException e) {
      if (e.getCause() instanceof SchemaRegistryException registryError
          && registryError.errorCode() != ErrorCodes.SCHEMA_NOT_FOUND) {
        throw e;
      }
      throw new Rejected(explain(value, e.reason()));
    }
    if (decoded instanceof RawEvent raw) {
      return raw;
    }
    String type =
        decoded instanceof GenericContainer container
            ? container.getSchema().getFullName()
            : decoded.getClass().getName();
    throw new Rejected(
        String.format(
            Locale.ROOT,
            "writer schema id %d is %s, expected %s: wrap the event in a RawEvent before sending it to %s",
            WireFormat.schemaId(value),
            type,
            RawEvent.getClassSchema().getFullName(),
            topic));
  }

  /**
   * Returns why a RawEvent writer schema cannot be read as the current RawEvent (e.g. a step typed
   * double), or the decoder's reason when the schema is fine and the bytes are at fault. Called
   * only after a failure.
   */
  private String explain(byte[] value, String reason) {
    try {
      int id = WireFormat.schemaId(value);
      Schema writer = registry.schemaById(id);
      String incompatibility = firstIncompatibility(RawEvent.getClassSchema(), writer);
      return incompatibility == null
          ? reason
          : String.format(
              Locale.ROOT,
              "writer schema id %d (%s) cannot be read as the current %s: %s",
              id,
              writer.getFullName(),
              RawEvent.getClassSchema().getFullName(),
              incompatibility);
    } catch (RuntimeException e) {
      return reason;
    }
  }

  /**
   * Returns the first incompatibility of a writer with the reader, looking inside the event union
   * branch by branch (Avro alone reports only "reader union lacking writer type"), or null.
   */
  private static String firstIncompatibility(Schema reader, Schema writer) {
    Schema.Field writerEvent = writer.getField("event");
    if (writer.getType() == Schema.Type.RECORD
        && writerEvent != null
        && writerEvent.schema().getType() == Schema.Type.UNION) {
      Schema readerUnion = reader.getField("event").schema();
      for (Schema branch : writerEvent.schema().getTypes()) {
        Schema readerBranch =
            readerUnion.getTypes().stream()
                .filter(r -> r.getFullName().equals(branch.getFullName()))
                .findFirst()
                .orElse(null);
        if (readerBranch == null) {
          return "event type "
              + branch.getFullName()
              + " is not one of "
              + readerUnion.getTypes().stream().map(Schema::getFullName).toList();
        }
        String found = describe(readerBranch, branch);
        if (found != null) {
          return branch.getName() + " " + found;
        }
      }
    }
    return describe(reader, writer);
  }

  private static String describe(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE) {
      return null;
    }
    SchemaCompatibility.Incompatibility first = pair.getResult().getIncompatibilities().get(0);
    return String.format(
        Locale.ROOT, "%s at %s (%s)", first.getType(), first.getLocation(), first.getMessage());
  }
}
