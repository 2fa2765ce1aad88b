package dev.scalewatch.laws.fit;

import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.SingularValueDecomposition;

/**
 * Fits {@link ScheduleFit}, Tissue et al.'s (2024) learning-rate-annealing law, to a run's loss by
 * least squares in loss units. Given {@code alpha} the law is linear in {@code L0, A, C}, so {@code
 * alpha} is searched (200 values log-spaced over [0.01, 3], then golden-section refinement around
 * the best) and the other three are solved for each. {@code C} is kept >= 0 (annealing lowers the
 * loss); if the points show no annealing yet it is 0 and the fit says so. Points before the
 * learning-rate peak (the warm-up) are left out. The covariance of the four parameters comes from
 * the Jacobian at the optimum (pseudo-inverse, so a flat direction gives a wide band rather than a
 * failure). {@link #refit} warm-starts from a previous fit: {@code alpha} is searched on 20 values
 * within a factor 2 of the previous one, and the full search runs only when the best lies at the
 * edge of that bracket. Stateless and thread-safe.
 */
public final class ScheduleFitter {

  private static final double ALPHA_MIN = 0.01;
  private static final double ALPHA_MAX = 3;
  private static final int GRID = 200;

  /** Annealing area below this (relative to the forward area) counts as no annealing seen. */
  private static final double NO_ANNEALING = 1e-9;

  /**
   * Fits the law to the loss at {@code steps} (after the warm-up) under {@code schedule}.
   *
   * @throws IllegalArgumentException if lengths differ, a loss is not finite, a step lies beyond
   *     the schedule, or fewer than 5 points lie after the learning-rate peak
   */
  public ScheduleFit fit(long[] steps, double[] losses, LrSchedule schedule) {
    return fit(steps, losses, schedule, 0);
  }

  /**
   * As {@link #fit}, warm-started from {@code previousAlpha}, the {@code alpha} of a fit of the
   * same run on fewer points (not > 0: a cold fit).
   *
   * @throws IllegalArgumentException as {@link #fit}
   */
  public ScheduleFit refit(
      long[] steps, double[] losses, LrSchedule schedule, double previousAlpha) {
    return fit(steps, losses, schedule, previousAlpha);
  }

  private ScheduleFit fit(long[] steps, double[] losses, LrSchedule schedule, double warmAlpha) {
    if (steps.length != losses.length) {
      throw new IllegalArgumentException(
          "scheduleFit needs one loss per step: " + steps.length + " != " + losses.length);
    }
    int n = 0;
    for (long s : steps) {
      n += s > schedule.peakStep() ? 1 : 0;
    }
    if (n < 5) {
      throw new IllegalArgumentException(
          "scheduleFit needs at least 5 points after the learning-rate peak at step "
              + schedule.peakStep()
              + ": got "
              + n);
    }
    double[] s1 = new double[n];
    double[] s2 = new double[n];
    double[] y = new double[n];
    long last = 0;
    double maxS2 = 0;
    int k = 0;
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] > schedule.peakStep()) {
        if (!Double.isFinite(losses[i])) {
          throw new IllegalArgumentException(
              "scheduleFit.loss[" + i + "] must be finite: " + losses[i]);
        }
        s1[k] = schedule.forwardArea(steps[i]);
        s2[k] = schedule.annealingArea(steps[i]);
        y[k++] = losses[i];
        last = Math.max(last, steps[i]);
        maxS2 = Math.max(maxS2, s2[k - 1]);
      }
    }
    boolean annealing = maxS2 > NO_ANNEALING * schedule.forwardArea(last);
    Curve p = new Curve(s1, s2, y, annealing);
    double alpha = Double.NaN;
    if (warmAlpha > 0) {
      alpha = search(p, warmAlpha / 2, warmAlpha * 2, 20, true);
    }
    if (Double.isNaN(alpha)) {
      alpha = search(p, ALPHA_MIN, ALPHA_MAX, GRID, false);
    }
    double[] coef = p.solve(alpha);
    double sigma = Math.sqrt(p.cost(alpha) / (n - 4));
    boolean withC = coef[2] > 0;
    double[][] cov = covariance(s1, s2, coef, alpha, withC, sigma);
    double quantile = new TDistribution(n - (withC ? 4 : 3)).inverseCumulativeProbability(0.975);
    return new ScheduleFit(
        coef[0], coef[1], alpha, coef[2], sigma, n, last, annealing, schedule, cov, quantile);
  }

  /**
   * Best alpha on a log grid of {@code grid} values over [lo, hi] refined by golden section; NaN
   * when {@code warm} and the best lies at an edge of the bracket that is not a global bound.
   */
  private static double search(Curve p, double lo, double hi, int grid, boolean warm) {
    lo = Math.max(lo, ALPHA_MIN);
    hi = Math.min(hi, ALPHA_MAX);
    double best = lo;
    double bestCost = Double.POSITIVE_INFINITY;
    int at = 0;
    for (int g = 0; g < grid; g++) {
      double alpha = lo * Math.pow(hi / lo, g / (double) (grid - 1));
      double cost = p.cost(alpha);
      if (cost < bestCost) {
        bestCost = cost;
        best = alpha;
        at = g;
      }
    }
    if (warm
        && ((at == 0 && lo > ALPHA_MIN) || (at == grid - 1 && hi < ALPHA_MAX))
        && Double.isFinite(bestCost)) {
      return Double.NaN;
    }
    if (!Double.isFinite(bestCost)) {
      return warm ? Double.NaN : best;
    }
    double ratio = Math.pow(hi / lo, 1.0 / (grid - 1));
    double alpha = p.golden(Math.max(lo, best / ratio), Math.min(hi, best * ratio));
    return p.cost(alpha) <= bestCost ? alpha : best;
  }

  /** sigma^2 (J^T J)^+ over (L0, A, alpha, C); C's row and column 0 when it was held at 0. */
  private static double[][] covariance(
      double[] s1, double[] s2, double[] coef, double alpha, boolean withC, double sigma) {
    int k = withC ? 4 : 3;
    double[][] jtj = new double[k][k];
    double[] g = new double[k];
    for (int i = 0; i < s1.length; i++) {
      double pw = Math.pow(s1[i], -alpha);
      g[0] = 1;
      g[1] = pw;
      g[2] = -coef[1] * Math.log(s1[i]) * pw;
      if (withC) {
        g[3] = -s2[i];
      }
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) {
          jtj[r][c] += g[r] * g[c];
        }
      }
    }
    // scale the columns so the pseudo-inverse's tolerance is relative to each parameter
    double[] scale = new double[k];
    for (int r = 0; r < k; r++) {
      scale[r] = jtj[r][r] > 0 ? 1 / Math.sqrt(jtj[r][r]) : 1;
    }
    RealMatrix m = new Array2DRowRealMatrix(k, k);
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        m.setEntry(r, c, jtj[r][c] * scale[r] * scale[c]);
      }
    }
    RealMatrix inv = new SingularValueDecomposition(m).getSolver().getInverse();
    double[][] cov = new double[4][4];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        cov[r][c] = sigma * sigma * inv.getEntry(r, c) * scale[r] * scale[c];
      }
    }
    return cov;
  }

  /** The points of one fit; {@code solve} gives L0, A, C for a given alpha. */
  private record Curve(double[] s1, double[] s2, double[] y, boolean annealing) {

    double[] solve(double alpha) {
      double[] c = solve(alpha, annealing);
      if (c != null && c[2] < 0) {
        c = solve(alpha, false); // annealing never raises the loss: C = 0
      }
      return c;
    }

    private double[] solve(double alpha, boolean withC) {
      int n = y.length;
      int cols = withC ? 3 : 2;
      double[][] a = new double[n][cols];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        a[i][0] = 1;
        a[i][1] = Math.pow(s1[i], -alpha);
        if (withC) {
          a[i][2] = -s2[i];
        }
        w[i] = 1;
      }
      double[] b = SmallLinear.solve(a, y, w, cols);
      return b == null ? null : new double[] {b[0], b[1], withC ? b[2] : 0};
    }

    double cost(double alpha) {
      double[] c = solve(alpha);
      if (c == null) {
        return Double.POSITIVE_INFINITY;
      }
      double sum = 0;
      for (int i = 0; i < y.length; i++) {
        double d = ScheduleFit.value(c[0], c[1], alpha, c[2], s1[i], s2[i]) - y[i];
        sum += d * d;
      }
      return Double.isFinite(sum) ? sum : Double.POSITIVE_INFINITY;
    }

    /** Golden-section minimum of {@link #cost} over ln alpha in [lo, hi]. */
    double golden(double lo, double hi) {
      double g = (Math.sqrt(5) - 1) / 2;
      double a = Math.log(lo);
      double b = Math.log(hi);
      for (int it = 0; it < 60; it++) {
        double x1 = b - g * (b - a);
        double x2 = a + g * (b - a);
        if (cost(Math.exp(x1)) < cost(Math.exp(x2))) {
          b = x2;
        } else {
          a = x1;
        }
      }
      return Math.exp((a + b) / 2);
    }
  }
}
