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
 * rate is no annealing). The areas are computed step by step in O(last step) time; up to {@link
 * #GRID} steps every step is stored, beyond that every k-th (k = ceil(last / GRID)) and the areas
 * in between are interpolated linearly, so memory stays at two arrays of at most GRID + 1 values.
 * Immutable and thread-safe.
 */
public final class LrSchedule {

  /** Tissue et al.'s decay factor of the annealing momentum. */
  public static final double DEFAULT_DECAY = 0.999;

  /** Most stored values per area; longer schedules keep every k-th step and interpolate. */
  static final int GRID = 1 << 16;

  private final long peak;
  private final long last;
  private final int stride;
  private final double[] forward;
  private final double[] annealing;

  private LrSchedule(long peak, long last, int stride, double[] forward, double[] annealing) {
    this.peak = peak;
    this.last = last;
    this.stride = stride;
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
    int top = 0;
    for (int i = 1; i < lrs.length; i++) {
      top = lrs[i] > lrs[top] ? i : top;
    }
    long peak = top == 0 ? 1 : steps[top];
    int stride = (int) Math.max(1, (last + GRID - 1) / GRID);
    int cells = (int) ((last + stride - 1) / stride);
    double[] forward = new double[cells + 1];
    double[] annealing = new double[cells + 1];
    double m = 0;
    double s1 = 0;
    double s2 = 0;
    double previous = 0;
    int j = 0;
    for (long s = 1; s <= last; s++) {
      while (steps[j] < s) {
        j++;
      }
      double eta =
          j == 0 || steps[j] == s
              ? lrs[j]
              : lrs[j - 1]
                  + (lrs[j] - lrs[j - 1]) * (s - steps[j - 1]) / (double) (steps[j] - steps[j - 1]);
      if (s >= peak) {
        m = s == peak ? 0 : decay * m + (previous - eta);
        s1 += eta;
        s2 += m;
      }
      previous = eta;
      if (s % stride == 0 || s == last) {
        int cell = (int) ((s + stride - 1) / stride);
        forward[cell] = s1;
        annealing[cell] = s2;
      }
    }
    return new LrSchedule(peak, last, stride, forward, annealing);
  }

  /** Last step the schedule covers. */
  public long lastStep() {
    return last;
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
    return at(forward, step);
  }

  /**
   * Annealing area {@code S2} at {@code step}.
   *
   * @throws IllegalArgumentException if the step is outside 1..{@link #lastStep()}
   */
  public double annealingArea(long step) {
    return at(annealing, step);
  }

  /** The area at {@code step}: exact on the stored steps, linear between them. */
  private double at(double[] area, long step) {
    if (step < 1 || step > lastStep()) {
      throw new IllegalArgumentException(
          "step must be in 1.." + lastStep() + " (the schedule's steps): " + step);
    }
    if (stride == 1) {
      return area[(int) step];
    }
    int cell = (int) (step / stride);
    long from = (long) cell * stride;
    if (from == step) {
      return area[cell];
    }
    long to = Math.min((long) (cell + 1) * stride, last);
    return area[cell] + (area[cell + 1] - area[cell]) * (step - from) / (double) (to - from);
  }

  @Override
  public String toString() {
    return "LrSchedule[peak " + peak + ", last " + lastStep() + "]";
  }
}
