package dev.scalewatch.ingest.validate;

import java.util.Objects;

/**
 * One broken rule of an event: the field, its value as text and a message naming field, rule and
 * value, e.g. {@code step must be >= 0: -3}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param field the Avro field name, e.g. {@code step}, or a map entry such as {@code tags['owner']}
 * @param value the offending value rendered as text ({@code null} rendered as "null"); long strings
 *     are abbreviated to their first characters and their length, the event itself is never changed
 * @param message the rule and the value, ready to show to a user or to put in a dead letter
 */
public record Violation(String field, String value, String message) {

  /** Checks that every part is present. */
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /** Returns the message, so that a list of violations prints readably. */
  @Override
  public String toString() {
    return message;
  }
}
