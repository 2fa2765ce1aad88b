package dev.scalewatch.sinks.store;

/**
 * What kind of double a stored value is. Kept beside the value in the {@code value_kind} column so
 * that aggregates can leave NaN and infinities out of min and max (DuckDB and PostgreSQL both sort
 * NaN above every number) and count them instead, in SQL both databases run.
 */
public enum ValueKind {
  FINITE(0),
  NAN(1),
  POSITIVE_INFINITY(2),
  NEGATIVE_INFINITY(3);

  /** The code stored in the {@code value_kind} column. */
  public final int code;

  ValueKind(int code) {
    this.code = code;
  }

  public static ValueKind of(double value) {
    if (Double.isNaN(value)) {
      return NAN;
    }
    if (value == Double.POSITIVE_INFINITY) {
      return POSITIVE_INFINITY;
    }
    if (value == Double.NEGATIVE_INFINITY) {
      return NEGATIVE_INFINITY;
    }
    return FINITE;
  }
}
