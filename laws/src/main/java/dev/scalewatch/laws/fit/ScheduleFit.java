package dev.scalewatch.laws.fit;

/**
 * A run's loss fitted with the learning-rate-annealing law of Tissue et al. (2024): {@code L(s) =
 * L0 + A S1(s)^-alpha - C S2(s)} with {@code S1, S2} the forward and annealing areas of its {@link
 * LrSchedule}. Given the planned schedule it forecasts the loss at any later step, warm-down
 * included, with a band ({@link #band}). Immutable and thread-safe (do not modify {@code
 * covariance}).
 *
 * @param l0 the loss the run tends to with unlimited learning-rate area
 * @param a scale of the power law in the forward area
 * @param alpha exponent of the forward area
 * @param c loss removed per unit of annealing area (0 when {@code annealingSeen} is false)
 * @param sigma residual standard deviation of the fitted points (loss units, {@code n - 4} degrees
 *     of freedom)
 * @param points number of points fitted
 * @param lastStep the largest step fitted
 * @param annealingSeen whether the fitted points include annealing (the learning rate fell below
 *     its peak); without it {@code c} cannot be estimated, is 0, and a forecast through a warm-down
 *     rests on no evidence of its effect
 * @param schedule the schedule the areas come from
 * @param covariance covariance of {@code (l0, a, alpha, c)} from the Jacobian at the optimum,
 *     scaled by the residual variance; the row and column of {@code c} are 0 when {@code c} was not
 *     estimated (held at 0)
 * @param quantile Student-t quantile of {@link #LEVEL} for the fit's degrees of freedom
 */
public record ScheduleFit(
    double l0,
    double a,
    double alpha,
    double c,
    double sigma,
    int points,
    long lastStep,
    boolean annealingSeen,
    LrSchedule schedule,
    double[][] covariance,
    double quantile) {

  /** Confidence level of {@link #band} and {@link #interval}. */
  public static final double LEVEL = 0.95;

  /** Names of the parameters in {@link #covariance}'s order. */
  public static final String[] NAMES = {"L0", "A", "alpha", "C"};

  /**
   * The law's loss at {@code step}.
   *
   * @throws IllegalArgumentException if the step is before the schedule's peak or beyond its end
   */
  public double predict(long step) {
    checkStep(step);
    return value(l0, a, alpha, c, schedule.forwardArea(step), schedule.annealingArea(step));
  }

  /**
   * The loss at {@code step} with its {@link #LEVEL} bands: the law's confidence band (delta method
   * on {@link #covariance}) and the prediction band for one new point (adds {@code sigma}, floored
   * at {@link Fit#NUMERICAL_RMSLE} of the loss). When {@code annealingSeen} is false and the
   * schedule anneals by {@code step}, the size of the annealing is unknown: both lower edges extend
   * down to the lower end of {@code l0}'s interval (the law's floor), the forecast itself keeps
   * {@code c = 0}.
   *
   * @throws IllegalArgumentException if the step is before the schedule's peak or beyond its end
   */
  public Band band(long step) {
    checkStep(step);
    double s1 = schedule.forwardArea(step);
    double s2 = schedule.annealingArea(step);
    double y = value(l0, a, alpha, c, s1, s2);
    double p = Math.pow(s1, -alpha);
    double[] g = {1, p, -a * Math.log(s1) * p, -s2};
    double var = 0;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        var += g[i] * covariance[i][j] * g[j];
      }
    }
    double noise = Math.max(sigma, Fit.NUMERICAL_RMSLE * Math.abs(y));
    double mean = quantile * Math.sqrt(Math.max(var, 0));
    double pred = quantile * Math.sqrt(Math.max(var, 0) + noise * noise);
    double meanLower = y - mean;
    double lower = y - pred;
    if (!annealingSeen && s2 > 0) {
      double floor = interval(0)[0];
      meanLower = Math.min(meanLower, floor);
      lower = Math.min(lower, floor);
    }
    return new Band(step, y, meanLower, y + mean, lower, y + pred, step > lastStep);
  }

  /** The {@link #LEVEL} interval {@code [lower, upper]} of parameter {@code i} ({@link #NAMES}). */
  public double[] interval(int i) {
    double half = quantile * Math.sqrt(Math.max(covariance[i][i], 0));
    double v = i == 0 ? l0 : i == 1 ? a : i == 2 ? alpha : c;
    return new double[] {v - half, v + half};
  }

  private void checkStep(long step) {
    if (step <= schedule.peakStep()) {
      throw new IllegalArgumentException(
          "step must be after the learning-rate peak at "
              + schedule.peakStep()
              + " (the law starts there): "
              + step);
    }
  }

  static double value(double l0, double a, double alpha, double c, double s1, double s2) {
    return l0 + a * Math.pow(s1, -alpha) - c * s2;
  }
}
