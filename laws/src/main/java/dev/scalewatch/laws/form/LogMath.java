package dev.scalewatch.laws.form;

/** Numerically stable helpers for log-space evaluation. Stateless and thread-safe. */
public final class LogMath {

  private LogMath() {}

  /** {@code ln(1 + e^z)} without overflow or loss of precision. */
  public static double softplus(double z) {
    if (z > 30) {
      return z + Math.exp(-z);
    }
    if (z < -30) {
      return Math.exp(z);
    }
    return Math.log1p(Math.exp(z));
  }

  /** The logistic function {@code 1 / (1 + e^-z)}. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /** {@code ln(e^u + e^v)} without overflow. */
  public static double logAddExp(double u, double v) {
    double m = Math.max(u, v);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
  }
}
