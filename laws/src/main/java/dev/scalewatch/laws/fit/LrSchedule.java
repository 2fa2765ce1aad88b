package dev.scalewatch.laws.fit;

/**
 * A run's learning-rate schedule as the two areas of Tissue et al.'s (2024) learning-rate-annealing
 * law: the forward area {@code S1(s) = sum_{i <= s} eta_i} and the annealing area {@code S2(s) =
 * sum_{i <= s} m_i} with {@code m_i = lambda m_{i-1} + (eta_{i-1} - eta_i)}, a momentum of the
 * learning-rate decreases that keeps counting for a while after each decrease ({@code lambda} is
 * the paper's decay factor, 0.999 by default).
 *
 * <p>The learning rate is given at some steps (what a run logs, plus the planned rest of the
 * schedule for a forecast) and taken as piecewise linear between them, constant before the first.
 * Both areas start after the warm-up, at the step of the peak learning rate (an increasing learning
 * rate is no annealing). Immutable and thread-safe; holds two arrays of length {@code last step}.
 */
public final class LrSchedule {

  /** Tissue et al.'s decay factor of the annealing momentum. */
  public static final double DEFAULT_DECAY = 0.999;

  private final long peak;
  private final double[] forward;
  private final double[] annealing;

  private LrSchedule(long peak, double[] forward, double[] annealing) {
    this.peak = peak;
    this.forward = forward;
    this.annealing = annealing;
  }

  /**
   * The schedule through {@code lrs} at {@code steps} (increasing, >= 1), with the default decay.
   *
   * @throws IllegalArgumentException as {@link #of(long[], double[], double)}
   */
  public static LrSchedule of(long[] steps, double[] lrs) {
    return of(steps, lrs, DEFAULT_DECAY);
  }

  /**
   * The schedule through {@code lrs} at {@code steps}.
   *
   * @throws IllegalArgumentException if the lengths differ or are 0, a step is < 1 or not above the
   *     previous one, a learning rate is not finite and >= 0, the last step exceeds 10^8, or {@code
   *     decay} is not in [0, 1)
   */
  public static LrSchedule of(long[] steps, double[] lrs, double decay) {
    if (steps.length == 0 || steps.length != lrs.length) {
      throw new IllegalArgumentException(
          "lrSchedule needs as many learning rates as steps, at least one: "
              + steps.length
              + " steps, "
              + lrs.length
              + " learning rates");
    }
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException(
          "lrSchedule.decay must be in [0, 1): " + decay + " (Tissue et al. use 0.999)");
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] < 1 || (i > 0 && steps[i] <= steps[i - 1])) {
        throw new IllegalArgumentException(
            "lrSchedule.steps must be >= 1 and increasing: steps[" + i + "] = " + steps[i]);
      }
      if (!(lrs[i] >= 0 && Double.isFinite(lrs[i]))) {
        throw new IllegalArgumentException(
            "lrSchedule.lr[" + i + "] must be finite and >= 0: " + lrs[i]);
      }
    }
    long last = steps[steps.length - 1];
    if (last > 100_000_000L) {
      throw new IllegalArgumentException(
          "lrSchedule supports up to 10^8 steps: last step "
              + last
              + " (log fewer, coarser steps)");
    }
    double[] eta = new double[(int) last + 1];
    int j = 0;
    for (int s = 1; s <= last; s++) {
      while (steps[j] < s) {
        j++;
      }
      eta[s] =
          j == 0 || steps[j] == s
              ? lrs[j]
              : lrs[j - 1]
                  + (lrs[j] - lrs[j - 1]) * (s - steps[j - 1]) / (double) (steps[j] - steps[j - 1]);
    }
    int peak = 1;
    for (int s = 1; s <= last; s++) {
      peak = eta[s] > eta[peak] ? s : peak;
    }
    double[] forward = new double[eta.length];
    double[] annealing = new double[eta.length];
    double m = 0;
    for (int s = peak; s <= last; s++) {
      m = s == peak ? 0 : decay * m + (eta[s - 1] - eta[s]);
      forward[s] = forward[s - 1] + eta[s];
      annealing[s] = annealing[s - 1] + m;
    }
    return new LrSchedule(peak, forward, annealing);
  }

  /** Last step the schedule covers. */
  public long lastStep() {
    return forward.length - 1;
  }

  /** Step of the peak learning rate, where both areas start. */
  public long peakStep() {
    return peak;
  }

  /**
   * Forward area {@code S1} at {@code step}.
   *
   * @throws IllegalArgumentException if the step is outside 1..{@link #lastStep()}
   */
  public double forwardArea(long step) {
    return forward[index(step)];
  }

  /**
   * Annealing area {@code S2} at {@code step}.
   *
   * @throws IllegalArgumentException if the step is outside 1..{@link #lastStep()}
   */
  public double annealingArea(long step) {
    return annealing[index(step)];
  }

  private int index(long step) {
    if (step < 1 || step > lastStep()) {
      throw new IllegalArgumentException(
          "step must be in 1.." + lastStep() + " (the schedule's steps): " + step);
    }
    return (int) step;
  }

  @Override
  public String toString() {
    return "LrSchedule[peak " + peak + ", last " + lastStep() + "]";
  }
}
