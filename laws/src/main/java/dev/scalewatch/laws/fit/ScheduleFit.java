package dev.scalewatch.laws.fit;

/**
 * A run's loss fitted with the learning-rate-annealing law of Tissue et al. (2024): {@code L(s) =
 * L0 + A S1(s)^-alpha - C S2(s)} with {@code S1, S2} the forward and annealing areas of its {@link
 * LrSchedule}. Given the planned schedule it forecasts the loss at any later step, warm-down
 * included. Immutable and thread-safe.
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
    LrSchedule schedule) {

  /**
   * The law's loss at {@code step}.
   *
   * @throws IllegalArgumentException if the step is before the schedule's peak or beyond its end
   */
  public double predict(long step) {
    if (step <= schedule.peakStep()) {
      throw new IllegalArgumentException(
          "step must be after the learning-rate peak at "
              + schedule.peakStep()
              + " (the law starts there): "
              + step);
    }
    return value(l0, a, alpha, c, schedule.forwardArea(step), schedule.annealingArea(step));
  }

  static double value(double l0, double a, double alpha, double c, double s1, double s2) {
    return l0 + a * Math.pow(s1, -alpha) - c * s2;
  }
}
