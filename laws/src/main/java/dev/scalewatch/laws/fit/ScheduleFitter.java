package dev.scalewatch.laws.fit;

/**
 * Fits {@link ScheduleFit}, Tissue et al.'s (2024) learning-rate-annealing law, to a run's loss by
 * least squares in loss units. Given {@code alpha} the law is linear in {@code L0, A, C}, so {@code
 * alpha} is searched (200 values log-spaced over [0.01, 3], then golden-section refinement around
 * the best) and the other three are solved for each. {@code C} is kept >= 0 (annealing lowers the
 * loss); if the points show no annealing yet it is 0 and the fit says so. Points before the
 * learning-rate peak (the warm-up) are left out. Stateless and thread-safe.
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
    double best = ALPHA_MIN;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int g = 0; g < GRID; g++) {
      double alpha = ALPHA_MIN * Math.pow(ALPHA_MAX / ALPHA_MIN, g / (double) (GRID - 1));
      double cost = p.cost(alpha);
      if (cost < bestCost) {
        bestCost = cost;
        best = alpha;
      }
    }
    double ratio = Math.pow(ALPHA_MAX / ALPHA_MIN, 1.0 / (GRID - 1));
    double alpha = p.golden(best / ratio, best * ratio);
    if (!(p.cost(alpha) <= bestCost)) {
      alpha = best;
    }
    double[] coef = p.solve(alpha);
    double sigma = Math.sqrt(p.cost(alpha) / (n - 4));
    return new ScheduleFit(coef[0], coef[1], alpha, coef[2], sigma, n, last, annealing, schedule);
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
