package dev.scalewatch.laws.form;

import java.util.List;

/**
 * The two-input law of Hoffmann et al. (2022): {@code L(N, D) = E + A / N^alpha + B / D^beta}.
 *
 * <p>Natural parameters in order: {@code E, A, alpha, B, beta}; {@code E, A, B} are stored as
 * natural logarithms internally. Immutable and thread-safe.
 */
public record Chinchilla() implements Form {

  private static final List<String> NAMES = List.of("E", "A", "alpha", "B", "beta");

  @Override
  public String name() {
    return "chinchilla";
  }

  @Override
  public String formula() {
    return "L = E + A / N^alpha + B / D^beta";
  }

  @Override
  public List<String> parameterNames() {
    return NAMES;
  }

  @Override
  public int inputs() {
    return 2;
  }

  @Override
  public boolean isLogScaled(int i) {
    return i == 0 || i == 1 || i == 3;
  }

  @Override
  public double logValue(double[] theta, double tn, double td, double[] gradient) {
    double e = theta[0];
    double u = theta[1] - theta[2] * tn;
    double v = theta[3] - theta[4] * td;
    double m = Math.max(e, Math.max(u, v));
    double we = Math.exp(e - m);
    double wu = Math.exp(u - m);
    double wv = Math.exp(v - m);
    double sum = we + wu + wv;
    if (gradient != null) {
      gradient[0] = we / sum;
      gradient[1] = wu / sum;
      gradient[2] = -tn * wu / sum;
      gradient[3] = wv / sum;
      gradient[4] = -td * wv / sum;
    }
    return m + Math.log(sum);
  }
}
