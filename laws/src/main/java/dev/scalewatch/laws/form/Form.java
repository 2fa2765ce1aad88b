package dev.scalewatch.laws.form;

import java.util.List;

/**
 * A scaling-law functional form, evaluated in log space on its internal parameter vector.
 *
 * <p>Every form is fitted as {@code ln y = F(theta; ln x1, ln x2)} where {@code theta} is the
 * internal parameter vector: positive natural parameters are stored as their natural logarithm so
 * that positivity holds for any {@code theta}. {@link #toNatural} and {@link #toInternal} convert
 * between the two; {@link #parameterNames()} names the natural parameters in order.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface Form permits Bnsl, Chinchilla, Kaplan {

  /** A short stable name such as {@code bnsl-1} or {@code chinchilla}. */
  String name();

  /** The formula in plain text, for reports. */
  String formula();

  /** Number of parameters (natural and internal vectors have the same length). */
  default int parameterCount() {
    return parameterNames().size();
  }

  /** Names of the natural parameters, in order. */
  List<String> parameterNames();

  /** Number of inputs: 1 for single-axis forms, 2 for {@code L(N, D)}. */
  int inputs();

  /** Whether internal parameter {@code i} is the natural logarithm of natural parameter i. */
  boolean isLogScaled(int i);

  /**
   * Evaluates {@code ln y} at {@code (t1, t2) = (ln x1, ln x2)}.
   *
   * @param theta internal parameters
   * @param t1 natural log of the first input
   * @param t2 natural log of the second input (ignored by single-input forms)
   * @param gradient if not null, receives {@code d ln y / d theta} (length {@link
   *     #parameterCount()})
   * @return {@code ln y}
   */
  double logValue(double[] theta, double t1, double t2, double[] gradient);

  /** Evaluates {@code y} at a single-input point {@code x}; convenience for reports. */
  default double value(double[] theta, double x) {
    return Math.exp(logValue(theta, Math.log(x), 0.0, null));
  }

  /** Converts internal parameters to natural ones (exponentiating the log-scaled entries). */
  default double[] toNatural(double[] theta) {
    double[] p = theta.clone();
    for (int i = 0; i < p.length; i++) {
      if (isLogScaled(i)) {
        p[i] = Math.exp(theta[i]);
      }
    }
    return p;
  }

  /**
   * Converts natural parameters to internal ones.
   *
   * @throws IllegalArgumentException if a parameter that must be positive is not
   */
  default double[] toInternal(double[] natural) {
    if (natural.length != parameterCount()) {
      throw new IllegalArgumentException(
          name()
              + " takes "
              + parameterCount()
              + " parameters "
              + parameterNames()
              + ", got "
              + natural.length);
    }
    double[] theta = natural.clone();
    for (int i = 0; i < theta.length; i++) {
      if (isLogScaled(i)) {
        if (!(natural[i] > 0)) {
          throw new IllegalArgumentException(
              name() + "." + parameterNames().get(i) + " must be > 0: " + natural[i]);
        }
        theta[i] = Math.log(natural[i]);
      }
    }
    return theta;
  }
}
