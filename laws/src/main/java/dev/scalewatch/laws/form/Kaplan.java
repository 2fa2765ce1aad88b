package dev.scalewatch.laws.form;

import java.util.List;

/**
 * Kaplan et al.'s (2020) law of the loss of a model of {@code N} parameters after {@code S}
 * optimizer steps, across the runs of a sweep: {@code L(N, S) = (Nc / N)^aN + (Sc / S)^aS}. Fitted
 * on the learning curves of smaller models, it forecasts a larger model's loss at any step.
 *
 * <p>Natural parameters in order: {@code Nc, aN, Sc, aS}; {@code Nc, Sc} are stored as natural
 * logarithms internally. Immutable and thread-safe.
 */
public record Kaplan() implements Form {

  private static final List<String> NAMES = List.of("Nc", "aN", "Sc", "aS");

  @Override
  public String name() {
    return "kaplan";
  }

  @Override
  public String formula() {
    return "L = (Nc / N)^aN + (Sc / S)^aS";
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
    return i == 0 || i == 2;
  }

  @Override
  public double logValue(double[] theta, double tn, double ts, double[] gradient) {
    double dn = theta[0] - tn;
    double ds = theta[2] - ts;
    double u = theta[1] * dn;
    double v = theta[3] * ds;
    double m = Math.max(u, v);
    double wu = Math.exp(u - m);
    double wv = Math.exp(v - m);
    double sum = wu + wv;
    if (gradient != null) {
      gradient[0] = theta[1] * wu / sum;
      gradient[1] = dn * wu / sum;
      gradient[2] = theta[3] * wv / sum;
      gradient[3] = ds * wv / sum;
    }
    return m + Math.log(sum);
  }
}
