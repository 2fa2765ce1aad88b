package dev.scalewatch.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: consumers using the new schema can read data written with the previous one (reader =
 * new, writer = previous). FORWARD: the other way round. FULL: both. The {@code _TRANSITIVE}
 * variants check against every live version instead of only the latest. Stateless and thread-safe.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Parses a level name as sent in {@code {"compatibility": "..."}}, ignoring case.
   *
   * @throws IllegalArgumentException naming the value and the accepted levels
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      for (CompatibilityLevel level : values()) {
        if (level.name().equalsIgnoreCase(name.trim())) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "Invalid compatibility level '%s': use one of %s",
            name,
            List.of(values())));
  }

  /**
   * Checks a candidate schema against a subject's live versions.
   *
   * @param candidate the schema to register
   * @param previous the live versions, oldest first
   * @return the incompatibilities in words, empty when the candidate is compatible
   */
  public List<String> check(Schema candidate, List<Schema> previous) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || previous.isEmpty()) {
      return problems;
    }
    List<Schema> against =
        transitive ? previous : previous.subList(previous.size() - 1, previous.size());
    for (Schema old : against) {
      if (backward) {
        describe(
            candidate, old, "new schema cannot read data written with an existing one", problems);
      }
      if (forward) {
        describe(
            old,
            candidate,
            "an existing schema cannot read data written with the new one",
            problems);
      }
    }
    return problems;
  }

  private static void describe(
      Schema reader, Schema writer, String direction, List<String> problems) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility i : result.getIncompatibilities()) {
      problems.add(
          String.format(
              Locale.ROOT,
              "%s: %s at %s: %s",
              direction,
              i.getType(),
              i.getLocation(),
              i.getMessage()));
    }
  }
}
