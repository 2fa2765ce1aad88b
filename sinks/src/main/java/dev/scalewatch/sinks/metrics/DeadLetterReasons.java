package dev.scalewatch.sinks.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sorts a dead letter's reason (free text naming values, see the normalizer's table in README.md)
 * into one of a fixed set of categories, so a metric labelled by it has bounded cardinality.
 * Stateless.
 */
final class DeadLetterReasons {

  /** Categories by the pattern that finds them, tried in order; {@code other} if none matches. */
  private static final Map<String, Pattern> CATEGORIES = new LinkedHashMap<>();

  static {
    CATEGORIES.put("empty_value", Pattern.compile("^empty value"));
    CATEGORIES.put("tombstone", Pattern.compile("^value is null"));
    CATEGORIES.put("missing_key", Pattern.compile("^key is missing"));
    CATEGORIES.put(
        "key_mismatch", Pattern.compile("^key '.*' does not match run_id", Pattern.DOTALL));
    CATEGORIES.put("not_wire_format", Pattern.compile("unknown magic byte"));
    CATEGORIES.put("short_header", Pattern.compile("shorter than the 5-byte"));
    CATEGORIES.put("unknown_schema", Pattern.compile("unknown schema id"));
    CATEGORIES.put("corrupt_avro", Pattern.compile("truncated or corrupt Avro"));
    CATEGORIES.put("wrong_schema", Pattern.compile("^writer schema id \\d+ is "));
    CATEGORIES.put("incompatible_schema", Pattern.compile("cannot be read as the current"));
    CATEGORIES.put("clock_ahead", Pattern.compile("must be at most \\d+ min after"));
    CATEGORIES.put(
        "too_large",
        Pattern.compile(
            "cannot be stored|larger than the normalizer|must take at most \\d+ bytes"));
    CATEGORIES.put("unwritable", Pattern.compile("could not be written"));
    CATEGORIES.put("invalid_event", Pattern.compile("^invalid |must not contain control"));
  }

  private DeadLetterReasons() {}

  /** Every category a reason can get, {@code other} last. */
  static Iterable<String> categories() {
    var all = new java.util.ArrayList<>(CATEGORIES.keySet());
    all.add("other");
    return all;
  }

  static String categoryOf(String reason) {
    for (var category : CATEGORIES.entrySet()) {
      if (category.getValue().matcher(reason).find()) {
        return category.getKey();
      }
    }
    return "other";
  }
}
