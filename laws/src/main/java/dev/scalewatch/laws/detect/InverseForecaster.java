package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Inverts a fitted single-input law: which x reaches a target metric value. The interval comes from
 * where the edges of the law's confidence band (Jacobian-based) reach the target. The search runs
 * from the smallest x seen up to {@code decadesAhead} decades past the largest, on a log grid
 * refined by bisection, and returns the first crossing. Pure functions; thread-safe.
 */
public final class InverseForecaster {

  private static final int GRID_PER_DECADE = 40;

  private InverseForecaster() {}

  /**
   * Solves {@code fit(x) = target} in the fitted orientation (the law falls with x).
   *
   * @param decadesAhead how far past the largest x seen to search, > 0
   * @throws IllegalArgumentException if the fit has two inputs, or target or decadesAhead is not
   *     positive and finite
   */
  public static InverseForecast solve(Fit fit, double target, double decadesAhead) {
    if (fit.form().inputs() != 1) {
      throw new IllegalArgumentException(
          "inverse forecast needs a single-input form: "
              + fit.form().name()
              + " has "
              + fit.form().inputs()
              + " inputs (fix one input and fit the other)");
    }
    if (!(target > 0) || !Double.isFinite(target)) {
      throw new IllegalArgumentException("inverse.target must be finite and > 0: " + target);
    }
    if (!(decadesAhead > 0) || !Double.isFinite(decadesAhead)) {
      throw new IllegalArgumentException("inverse.decadesAhead must be > 0: " + decadesAhead);
    }
    double lo = Math.log10(fit.xMin());
    double hi = Math.log10(fit.xMax()) + decadesAhead;
    double x = crossing(u -> fit.predict(u), target, lo, hi);
    double lower = crossing(u -> fit.band(u).meanLower(), target, lo, hi);
    double upper = crossing(u -> fit.band(u).meanUpper(), target, lo, hi);
    if (Double.isNaN(x)) {
      Band far = fit.band(Math.pow(10, hi));
      return new InverseForecast(
          target,
          InverseForecast.Status.UNREACHABLE,
          Double.NaN,
          lower,
          Double.POSITIVE_INFINITY,
          String.format(
              Locale.ROOT,
              "the law stays above %.6g up to x=%.4g (it predicts %.6g there)",
              target,
              Math.pow(10, hi),
              far.y()));
    }
    if (Double.isNaN(upper)) {
      upper = Double.POSITIVE_INFINITY;
    }
    boolean already = x <= fit.xMax();
    return new InverseForecast(
        target,
        already ? InverseForecast.Status.ALREADY_REACHED : InverseForecast.Status.FORECAST,
        x,
        Double.isNaN(lower) ? x : lower,
        upper,
        String.format(
            Locale.ROOT,
            "%s %.6g at x=%.4g [%.4g, %.4g] (%.0f%% band)",
            already ? "already reached" : "reaches",
            target,
            x,
            lower,
            upper,
            100 * fit.level()));
  }

  /** First x (10^u with u in [lo, hi]) where f(x) <= target, or NaN. */
  private static double crossing(DoubleUnaryOperator f, double target, double lo, double hi) {
    int steps = Math.max(2, (int) Math.ceil((hi - lo) * GRID_PER_DECADE));
    double prevU = lo;
    if (f.applyAsDouble(Math.pow(10, lo)) <= target) {
      return Math.pow(10, lo);
    }
    for (int s = 1; s <= steps; s++) {
      double u = lo + (hi - lo) * s / steps;
      if (f.applyAsDouble(Math.pow(10, u)) <= target) {
        double a = prevU;
        double b = u;
        for (int it = 0; it < 60; it++) {
          double m = 0.5 * (a + b);
          if (f.applyAsDouble(Math.pow(10, m)) <= target) {
            b = m;
          } else {
            a = m;
          }
        }
        return Math.pow(10, b);
      }
      prevU = u;
    }
    return Double.NaN;
  }
}
