package dev.scalewatch.sinks.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which alerts to list by their current state. */
public enum AlertStateFilter {
  FIRING,
  RESOLVED,
  ALL;

  /**
   * Parses {@code firing}, {@code resolved} or {@code all} (any case).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static AlertStateFilter parse(String value) {
    for (AlertStateFilter filter : values()) {
      if (filter.name().equalsIgnoreCase(value)) {
        return filter;
      }
    }
    throw new IllegalArgumentException(
        "state must be one of "
            + Arrays.stream(values())
                .map(f -> f.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))
            + ": '"
            + value
            + "'");
  }
}
