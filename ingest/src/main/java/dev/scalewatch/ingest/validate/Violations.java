package dev.scalewatch.ingest.validate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the violations of one event while its rules are checked. Not thread-safe: one per call.
 */
final class Violations {

  /** Characters of a long value kept in a violation's value and message. */
  static final int SHOWN_CHARS = 64;

  private final List<Violation> found = new ArrayList<>(0);

  List<Violation> list() {
    return List.copyOf(found);
  }

  void add(String field, Object value, String rule) {
    String shown = show(value);
    found.add(new Violation(field, shown, field + " " + rule + ": " + shown));
  }

  /** Requires a non-blank string of at most {@code maxChars} characters. */
  void requiredText(String field, String value, int maxChars) {
    if (value == null) {
      add(field, null, "is required");
    } else if (value.isBlank()) {
      add(field, value, "must not be blank");
    } else {
      maxLength(field, value, maxChars);
      noControlCharacters(field, value);
    }
  }

  /**
   * Requires a name that, when present, holds at most {@code maxChars} and no control character.
   */
  void optionalName(String field, String value, int maxChars) {
    if (value != null) {
      maxLength(field, value, maxChars);
      noControlCharacters(field, value);
    }
  }

  /**
   * Requires a name free of control characters (NUL, newline, tab, DEL, C1): they break logs,
   * labels, CSV exports and terminals, and make two names look alike.
   */
  void noControlCharacters(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        add(
            field,
            value,
            String.format(
                Locale.ROOT,
                "must not contain control characters (NUL, newline, tab, ...): U+%04X at index %d",
                (int) value.charAt(i),
                i));
        return;
      }
    }
  }

  /** Requires at most {@code maxChars} characters when present. */
  void optionalText(String field, String value, int maxChars) {
    if (value != null) {
      maxLength(field, value, maxChars);
    }
  }

  private void maxLength(String field, String value, int maxChars) {
    if (value.length() > maxChars) {
      add(
          field,
          value,
          String.format(
              Locale.ROOT,
              "must be at most %d characters, was %d (rejected, not truncated)",
              maxChars,
              value.length()));
    }
  }

  void nonNegative(String field, Long value) {
    if (value != null && value < 0) {
      add(field, value, "must be >= 0");
    }
  }

  void nonNegative(String field, Integer value) {
    if (value != null && value < 0) {
      add(field, value, "must be >= 0");
    }
  }

  /** Requires a finite value >= 0 when present (NaN and infinities are rejected). */
  void finiteNonNegative(String field, Double value) {
    if (value == null) {
      return;
    }
    if (!Double.isFinite(value)) {
      add(field, value, "must be finite");
    } else if (value < 0) {
      add(field, value, "must be >= 0");
    }
  }

  /** Requires a time after the epoch (milliseconds > 0). */
  void requiredTime(String field, Instant value) {
    if (value == null) {
      add(field, null, "is required");
    } else {
      optionalTime(field, value);
    }
  }

  void optionalTime(String field, Instant value) {
    if (value != null && value.toEpochMilli() <= 0) {
      add(field, value.toEpochMilli(), "must be > 0 (milliseconds since 1970-01-01T00:00:00Z)");
    }
  }

  /**
   * Requires a time at most {@code maxAhead} after {@code now} when present: the broker refuses a
   * record timestamp further ahead ({@code log.message.timestamp.after.max.ms}, 1 h by default), so
   * such an event could never be written downstream.
   */
  void notAhead(String field, Instant value, Instant now, Duration maxAhead) {
    if (value != null && value.isAfter(now.plus(maxAhead))) {
      add(
          field,
          value,
          String.format(
              Locale.ROOT,
              "must be at most %d min after the receiving clock (%s): the sender's clock is"
                  + " ahead, fix it (rejected, retrying cannot help)",
              maxAhead.toMinutes(),
              now));
    }
  }

  /**
   * Requires a bounded map whose keys are non-blank and bounded, whose values are bounded, and
   * whose keys and values together take at most {@code maxBytes} bytes in UTF-8.
   */
  void boundedMap(
      String field,
      Map<String, String> map,
      int maxEntries,
      int maxKeyChars,
      int maxValueChars,
      long maxBytes) {
    if (map == null) {
      add(field, null, "is required (use an empty map)");
      return;
    }
    if (map.size() > maxEntries) {
      add(
          field,
          map.size(),
          String.format(Locale.ROOT, "must have at most %d entries", maxEntries));
      return;
    }
    for (Map.Entry<String, String> entry : map.entrySet()) {
      String entryField = field + "['" + abbreviate(String.valueOf(entry.getKey())) + "']";
      if (entry.getKey() == null || entry.getKey().isBlank()) {
        add(field, entry.getKey(), "keys must not be blank");
      } else if (entry.getKey().length() <= maxKeyChars) {
        noControlCharacters(field + " key", entry.getKey());
      } else if (entry.getKey().length() > maxKeyChars) {
        add(
            field + " key",
            entry.getKey(),
            String.format(
                Locale.ROOT,
                "must be at most %d characters, was %d (rejected, not truncated)",
                maxKeyChars,
                entry.getKey().length()));
      }
      if (entry.getValue() == null) {
        add(entryField, null, "must not be null");
      } else {
        maxLength(entryField, entry.getValue(), maxValueChars);
      }
    }
    long bytes = 0;
    for (Map.Entry<String, String> entry : map.entrySet()) {
      bytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
    }
    if (bytes > maxBytes) {
      add(
          field,
          bytes,
          String.format(
              Locale.ROOT,
              "must take at most %d bytes (UTF-8 keys and values together) so that the event fits"
                  + " every topic downstream; was %d bytes in %d entries (send fewer or shorter"
                  + " entries)",
              maxBytes,
              bytes,
              map.size()));
    }
  }

  /** UTF-8 length of a string without encoding it (0 for null). */
  static long utf8Length(String text) {
    if (text == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  static String show(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "'" + escapeControls(abbreviate(text)) + "'";
    }
    return String.valueOf(value);
  }

  /** Writes control characters as {@code \\uXXXX}, so that a message never carries them raw. */
  private static String escapeControls(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static String abbreviate(String text) {
    if (text.length() <= SHOWN_CHARS) {
      return text;
    }
    return String.format(
        Locale.ROOT, "%s... (%d chars)", text.substring(0, SHOWN_CHARS), text.length());
  }
}
