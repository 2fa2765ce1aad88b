package dev.scalewatch.laws.fit;

import java.util.Locale;

/**
 * The loss a fit minimizes over its (weighted) log residuals {@code r = ln yhat - ln y}.
 *
 * <p>{@link #squared()} is least squares. {@link #huber(double)} is Huber's loss: {@code r^2 / 2}
 * for {@code |r| <= delta}, {@code delta (|r| - delta / 2)} beyond, so a point far off the law
 * pulls on it with a constant force instead of one growing with its distance. Besiroglu et al.
 * (2024, "Chinchilla Scaling: A replication attempt") refit Hoffmann et al.'s points with {@code
 * delta = 1e-3} ({@link #HUBER_DELTA}); at that delta almost every residual is in the linear part,
 * so the fit is close to a least-absolute-deviation fit of {@code ln L}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param robust whether this is Huber's loss
 * @param delta Huber's threshold in log units (NaN for squared loss)
 */
public record Loss(boolean robust, double delta) {

  /** Huber threshold used by Besiroglu et al. (2024) for the Chinchilla refit. */
  public static final double HUBER_DELTA = 1e-3;

  private static final Loss SQUARED = new Loss(false, Double.NaN);

  /**
   * Validates the threshold.
   *
   * @throws IllegalArgumentException if a Huber delta is not finite and > 0
   */
  public Loss {
    if (robust && !(delta > 0 && Double.isFinite(delta))) {
      throw new IllegalArgumentException(
          "fit.loss.delta must be finite and > 0: " + delta + " (1e-3 is Besiroglu et al.'s)");
    }
  }

  /** Least squares on log residuals. */
  public static Loss squared() {
    return SQUARED;
  }

  /**
   * Huber's loss on log residuals with threshold {@code delta}.
   *
   * @throws IllegalArgumentException if {@code delta} is not finite and > 0
   */
  public static Loss huber(double delta) {
    return new Loss(true, delta);
  }

  /**
   * The loss called {@code name}: {@code squared}, or {@code huber} (threshold {@link
   * #HUBER_DELTA}).
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Loss byName(String name) {
    switch (name) {
      case "squared":
        return squared();
      case "huber":
        return huber(HUBER_DELTA);
      default:
        throw new IllegalArgumentException("loss must be squared or huber: '" + name + "'");
    }
  }

  /** {@code squared} or {@code huber}. */
  public String name() {
    return robust ? "huber" : "squared";
  }

  /** The loss of one residual: {@code r^2 / 2}, or Huber's. */
  double of(double r) {
    double a = Math.abs(r);
    return !robust || a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
  }

  /**
   * The weight of a residual in iteratively reweighted least squares: {@code psi(r) / r}, 1 inside
   * the threshold and {@code delta / |r|} beyond. Least squares with these weights is a quadratic
   * majorizer of Huber's loss at {@code r}, so each reweighted step cannot raise it.
   */
  double weight(double r) {
    double a = Math.abs(r);
    return !robust || a <= delta ? 1.0 : delta / a;
  }

  @Override
  public String toString() {
    return robust ? String.format(Locale.ROOT, "huber(delta=%g)", delta) : "squared";
  }
}
