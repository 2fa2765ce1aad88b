package dev.scalewatch.schemas.json;

/**
 * A JSON value that does not fit its Avro schema. The message names the field path, the value and
 * what was expected; {@link #path()} gives the path alone (e.g. {@code MetricPoint.step}).
 */
public final class AvroJsonException extends IllegalArgumentException {

  private final String path;

  AvroJsonException(String path, String message) {
    super(message);
    this.path = path;
  }

  /** The dotted path of the offending field, starting with the record name. */
  public String path() {
    return path;
  }

  /** The path without the leading record name ({@code step} for {@code MetricPoint.step}). */
  public String field() {
    int dot = path.indexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }
}
