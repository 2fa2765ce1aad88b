package dev.scalewatch.laws.run;

import dev.scalewatch.laws.form.LogMath;
import java.util.Locale;

/**
 * Detects an S-curve of a higher-is-better eval metric against steps within one run (emergence over
 * training, grokking). A logistic in {@code ln step} is fitted by a grid over midpoint and width
 * with the levels solved by linear least squares (variable projection); it is an S-curve when the
 * rise is at least {@code minRise}, the 10%-90% width at most {@code maxWidthDecades}, at least two
 * points lie on each side of the transition, and the logistic leaves at most half the residual of a
 * straight line in {@code ln step}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SCurveDetector {

  private static final int MIDPOINTS = 80;
  private static final int WIDTHS = 24;
  private static final double LN9 = Math.log(9);

  private final double minRise;
  private final double maxWidthDecades;

  /**
   * A detector.
   *
   * @param minRise smallest rise {@code high - low} in metric units, > 0
   * @param maxWidthDecades widest 10%-90% transition in decades of steps, > 0
   * @throws IllegalArgumentException if a setting is out of range
   */
  public SCurveDetector(double minRise, double maxWidthDecades) {
    if (!(minRise > 0)) {
      throw new IllegalArgumentException("scurve.minRise must be > 0: " + minRise);
    }
    if (!(maxWidthDecades > 0)) {
      throw new IllegalArgumentException("scurve.maxWidthDecades must be > 0: " + maxWidthDecades);
    }
    this.minRise = minRise;
    this.maxWidthDecades = maxWidthDecades;
  }

  /** Defaults for a metric in [0, 1]: a rise of 0.2 within one decade of steps. */
  public static SCurveDetector defaults() {
    return new SCurveDetector(0.2, 1.0);
  }

  /**
   * Fits and judges the S-curve.
   *
   * @param steps positive steps
   * @param values metric values (non-finite values are ignored)
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public SCurve detect(double[] steps, double[] values) {
    RunSeries.requireSameLength(steps, values);
    int n = 0;
    double[] u = new double[steps.length];
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] > 0 && Double.isFinite(values[i])) {
        u[n] = Math.log(steps[i]);
        y[n++] = values[i];
      }
    }
    if (n < 6) {
      return new SCurve(
          false,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          0,
          0,
          Double.NaN,
          "needs at least 6 finite points: got " + n);
    }
    double uMin = Double.POSITIVE_INFINITY;
    double uMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      uMin = Math.min(uMin, u[i]);
      uMax = Math.max(uMax, u[i]);
    }
    double span = Math.max(uMax - uMin, 1e-9);
    double[] line = levels(u, y, n);
    double rssLine = line[2];
    double bestRss = Double.POSITIVE_INFINITY;
    double bestLow = Double.NaN;
    double bestRise = Double.NaN;
    double bestM = Double.NaN;
    double bestW = Double.NaN;
    double[] sig = new double[n];
    for (int a = 0; a < MIDPOINTS; a++) {
      double m = uMin + span * a / (MIDPOINTS - 1);
      for (int b = 0; b < WIDTHS; b++) {
        double w = span * 0.005 * Math.pow(100, b / (double) (WIDTHS - 1));
        for (int i = 0; i < n; i++) {
          sig[i] = LogMath.sigmoid((u[i] - m) / w);
        }
        double[] fit = levels(sig, y, n);
        if (fit[2] < bestRss) {
          bestRss = fit[2];
          bestLow = fit[0];
          bestRise = fit[1];
          bestM = m;
          bestW = w;
        }
      }
    }
    double widthDecades = 2 * LN9 * bestW / Math.log(10);
    int before = 0;
    int after = 0;
    for (int i = 0; i < n; i++) {
      before += u[i] < bestM - LN9 * bestW ? 1 : 0;
      after += u[i] > bestM + LN9 * bestW ? 1 : 0;
    }
    double ratio = rssLine > 0 ? bestRss / rssLine : 1.0;
    String why;
    boolean found = false;
    if (!(bestRise >= minRise)) {
      why = String.format(Locale.ROOT, "rise %.3g < %.3g", bestRise, minRise);
    } else if (widthDecades > maxWidthDecades) {
      why =
          String.format(
              Locale.ROOT,
              "transition spans %.2f decades > %.2f (smooth rise)",
              widthDecades,
              maxWidthDecades);
    } else if (before < 2 || after < 2) {
      why =
          String.format(
              Locale.ROOT,
              "%d points before and %d after the transition (need 2 each)",
              before,
              after);
    } else if (ratio > 0.5) {
      why = String.format(Locale.ROOT, "S-curve residual is %.2f of a line's (need <= 0.5)", ratio);
    } else {
      found = true;
      why =
          String.format(
              Locale.ROOT,
              "rise %.3g -> %.3g around step %.4g within %.2f decades",
              bestLow,
              bestLow + bestRise,
              Math.exp(bestM),
              widthDecades);
    }
    return new SCurve(
        found,
        bestLow,
        bestLow + bestRise,
        Math.exp(bestM),
        widthDecades,
        before,
        after,
        ratio,
        why);
  }

  /** Least squares of {@code y = p + q * s}: returns {p, q, rss}. */
  private static double[] levels(double[] s, double[] y, int n) {
    double ms = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      ms += s[i] / n;
      my += y[i] / n;
    }
    double sss = 0;
    double ssy = 0;
    for (int i = 0; i < n; i++) {
      sss += (s[i] - ms) * (s[i] - ms);
      ssy += (s[i] - ms) * (y[i] - my);
    }
    double q = sss > 1e-15 ? ssy / sss : 0;
    double p = my - q * ms;
    double rss = 0;
    for (int i = 0; i < n; i++) {
      double d = p + q * s[i] - y[i];
      rss += d * d;
    }
    return new double[] {p, q, rss};
  }
}
