package dev.scalewatch.registry;

import java.util.Objects;

/**
 * One record of the schema log: a JSON key and a JSON value, as Confluent Schema Registry writes
 * them to {@code _schemas}; a null value is a tombstone (a permanent delete). Immutable and
 * thread-safe.
 *
 * @param key the JSON key, e.g. {@code {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}}
 * @param value the JSON value, or null for a tombstone
 */
public record LogRecord(String key, String value) {

  /** Checks that the key is present. */
  public LogRecord {
    Objects.requireNonNull(key, "key");
  }
}
