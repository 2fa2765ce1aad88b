package dev.scalewatch.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a schema under a subject, as the registry reports it. Immutable and thread-safe.
 *
 * @param subject the subject, e.g. {@code scalewatch.metrics-value}
 * @param id the global schema id (what the wire format carries)
 * @param version the version within the subject, from 1
 * @param schema the parsed Avro schema
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {

  /** Checks that subject and schema are present. */
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
