package dev.scalewatch.laws.fit;

import java.util.Locale;

/**
 * A fitted natural parameter with its confidence interval.
 *
 * @param name the form's parameter name ({@code a}, {@code c1}, {@code alpha}, ...)
 * @param value the point estimate
 * @param lower lower end of the interval (NaN when the parameter is not identified)
 * @param upper upper end of the interval (NaN when the parameter is not identified)
 */
public record Parameter(String name, double value, double lower, double upper) {

  /** Whether {@code v} lies inside the interval (false when the interval is undefined). */
  public boolean covers(double v) {
    return v >= lower && v <= upper;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s = %.6g [%.6g, %.6g]", name, value, lower, upper);
  }
}
