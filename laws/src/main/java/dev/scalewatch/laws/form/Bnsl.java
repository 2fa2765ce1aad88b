package dev.scalewatch.laws.form;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Broken Neural Scaling Law with {@code n} breaks (Caballero et al., ICLR 2023), which contains the
 * power law ({@code n = 0} without floor) and the power law with floor ({@code n = 0} with floor).
 *
 * <pre>y = a + b * x^(-c0) * prod_i (1 + (x / d_i)^(1 / f_i))^(-c_i * f_i)</pre>
 *
 * <p>Natural parameters in order: {@code a} (only with a floor), {@code b}, {@code c0}, then {@code
 * c_i, d_i, f_i} for each break. Internally {@code a, b, d_i, f_i} are stored as natural logarithms
 * so they stay positive; {@code c0} and {@code c_i} are free (a negative {@code c_i} bends the
 * curve upward, e.g. double descent).
 *
 * <p>Immutable and thread-safe.
 */
public record Bnsl(int breaks, boolean floor) implements Form {

  /** Largest supported number of breaks. */
  public static final int MAX_BREAKS = 3;

  /**
   * Creates the form.
   *
   * @throws IllegalArgumentException if {@code breaks} is outside {@code 0..MAX_BREAKS}
   */
  public Bnsl {
    if (breaks < 0 || breaks > MAX_BREAKS) {
      throw new IllegalArgumentException(
          "form.breaks must be in 0.."
              + MAX_BREAKS
              + ": "
              + breaks
              + " (use 0 for a power law with floor)");
    }
  }

  /** {@code y = b * x^(-c0)}. */
  public static Bnsl powerLaw() {
    return new Bnsl(0, false);
  }

  /** {@code y = a + b * x^(-c0)}. */
  public static Bnsl powerLawWithFloor() {
    return new Bnsl(0, true);
  }

  /** BNSL with a floor and {@code breaks} breaks. */
  public static Bnsl withBreaks(int breaks) {
    return new Bnsl(breaks, true);
  }

  @Override
  public String name() {
    if (breaks == 0) {
      return floor ? "power-law-floor" : "power-law";
    }
    return floor ? "bnsl-" + breaks : "bnsl-" + breaks + "-nofloor";
  }

  @Override
  public String formula() {
    StringBuilder s = new StringBuilder(floor ? "y = a + b * x^-c0" : "y = b * x^-c0");
    for (int i = 1; i <= breaks; i++) {
      s.append(" * (1 + (x/d")
          .append(i)
          .append(")^(1/f")
          .append(i)
          .append("))^(-c")
          .append(i)
          .append("*f")
          .append(i)
          .append(')');
    }
    return s.toString();
  }

  @Override
  public List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    if (floor) {
      names.add("a");
    }
    names.add("b");
    names.add("c0");
    for (int i = 1; i <= breaks; i++) {
      names.add("c" + i);
      names.add("d" + i);
      names.add("f" + i);
    }
    return Collections.unmodifiableList(names);
  }

  @Override
  public int inputs() {
    return 1;
  }

  @Override
  public boolean isLogScaled(int i) {
    if (floor && i == 0) {
      return true;
    }
    int j = i - offset();
    if (j == 0) {
      return true; // b
    }
    if (j == 1) {
      return false; // c0
    }
    return (j - 2) % 3 != 0; // c_i free, d_i and f_i logs
  }

  /** Index of {@code b} in the parameter vector. */
  public int indexB() {
    return offset();
  }

  /** Index of {@code c0}. */
  public int indexC0() {
    return offset() + 1;
  }

  /** Index of {@code c_i} for break {@code i} in {@code 1..breaks}; {@code d_i, f_i} follow. */
  public int indexBreak(int i) {
    if (i < 1 || i > breaks) {
      throw new IllegalArgumentException("break must be in 1.." + breaks + ": " + i);
    }
    return offset() + 2 + 3 * (i - 1);
  }

  private int offset() {
    return floor ? 1 : 0;
  }

  @Override
  public double logValue(double[] theta, double t, double ignored, double[] gradient) {
    int o = offset();
    double c0 = theta[o + 1];
    double g = theta[o] - c0 * t;
    for (int i = 0; i < breaks; i++) {
      int k = o + 2 + 3 * i;
      double c = theta[k];
      double f = Math.exp(theta[k + 2]);
      double z = (t - theta[k + 1]) / f;
      double sp = LogMath.softplus(z);
      g -= c * f * sp;
      if (gradient != null) {
        double sig = LogMath.sigmoid(z);
        gradient[k] = -f * sp;
        gradient[k + 1] = c * sig;
        gradient[k + 2] = -c * f * (sp - z * sig);
      }
    }
    double ly;
    double wg;
    if (floor) {
      ly = LogMath.logAddExp(theta[0], g);
      double wa = LogMath.sigmoid(theta[0] - g);
      wg = 1.0 - wa;
      if (gradient != null) {
        gradient[0] = wa;
      }
    } else {
      ly = g;
      wg = 1.0;
    }
    if (gradient != null) {
      gradient[o] = wg;
      gradient[o + 1] = -t * wg;
      for (int i = 0; i < breaks; i++) {
        int k = o + 2 + 3 * i;
        gradient[k] *= wg;
        gradient[k + 1] *= wg;
        gradient[k + 2] *= wg;
      }
    }
    return ly;
  }
}
