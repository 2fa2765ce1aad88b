package dev.scalewatch.sinks.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/**
 * Reads the query parameters of one API request: each known at most once, unknown ones refused (a
 * misspelt {@code bucket=} must not be silently ignored). Every problem is a {@link
 * BadParameterException} naming the parameter and its value.
 */
final class RequestParameters {

  private final Context ctx;

  private RequestParameters(Context ctx) {
    this.ctx = ctx;
  }

  /** Checks that every query parameter is one of {@code known} and appears once. */
  static RequestParameters of(Context ctx, Set<String> known) {
    for (var entry : ctx.queryParamMap().entrySet()) {
      String name = entry.getKey();
      List<String> values = entry.getValue();
      if (!known.contains(name)) {
        throw new BadParameterException(
            name,
            String.join(",", values),
            "unknown parameter '"
                + name
                + "': this endpoint takes "
                + String.join(", ", known.stream().sorted().toList()));
      }
      if (values.size() > 1) {
        throw new BadParameterException(
            name,
            String.join(",", values),
            "parameter '" + name + "' given " + values.size() + " times: give it once");
      }
    }
    return new RequestParameters(ctx);
  }

  /** The value, or null if absent; an empty value is refused. */
  String optional(String name) {
    String value = ctx.queryParam(name);
    if (value != null && value.isEmpty()) {
      throw new BadParameterException(
          name, value, "parameter '" + name + "' is empty: give a value or leave it out");
    }
    return value;
  }

  String required(String name, String example) {
    String value = optional(name);
    if (value == null) {
      throw new BadParameterException(
          name, null, "parameter '" + name + "' is required, e.g. " + name + "=" + example);
    }
    return value;
  }

  /** A whole number in {@code [min, max]}, or null if absent. */
  Long optionalLong(String name, long min, long max) {
    String value = optional(name);
    if (value == null) {
      return null;
    }
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadParameterException(
          name, value, "parameter '" + name + "' must be a whole number: '" + value + "'");
    }
    if (number < min || number > max) {
      throw new BadParameterException(
          name,
          value,
          "parameter '" + name + "' must be between " + min + " and " + max + ": " + value);
    }
    return number;
  }
}
