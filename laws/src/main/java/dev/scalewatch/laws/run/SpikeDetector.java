package dev.scalewatch.laws.run;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tells loss spikes from one-step blips within a run. A point is an event start when it exceeds
 * {@code threshold} times the median of the previous {@code window} finite points; the event lasts
 * while points stay above {@code recovery} times that baseline. One elevated point is a {@link
 * LossEvent.Kind#BLIP}; more is a {@link LossEvent.Kind#SPIKE} (or unrecovered when the series ends
 * elevated). Non-finite values are left to {@link DivergenceDetector}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpikeDetector {

  private final int window;
  private final double threshold;
  private final double recovery;

  /**
   * A detector.
   *
   * @param window points in the baseline median, >= 3
   * @param threshold event start factor over the baseline, > 1 (e.g. 1.5)
   * @param recovery recovery level factor over the baseline, in {@code [1, threshold]}
   * @throws IllegalArgumentException if a setting is out of range
   */
  public SpikeDetector(int window, double threshold, double recovery) {
    if (window < 3) {
      throw new IllegalArgumentException("spike.window must be >= 3: " + window);
    }
    if (!(threshold > 1)) {
      throw new IllegalArgumentException("spike.threshold must be > 1: " + threshold);
    }
    if (!(recovery >= 1 && recovery <= threshold)) {
      throw new IllegalArgumentException(
          "spike.recovery must be in [1, threshold=" + threshold + "]: " + recovery);
    }
    this.window = window;
    this.threshold = threshold;
    this.recovery = recovery;
  }

  /** Defaults: window 20, threshold 1.5, recovery 1.1. */
  public static SpikeDetector defaults() {
    return new SpikeDetector(20, 1.5, 1.1);
  }

  /**
   * Events in step order.
   *
   * @param steps step of each point, increasing
   * @param losses loss at each step (positive)
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public List<LossEvent> detect(double[] steps, double[] losses) {
    RunSeries.requireSameLength(steps, losses);
    List<LossEvent> events = new ArrayList<>();
    double[] recent = new double[window];
    int filled = 0;
    int i = 0;
    while (i < losses.length) {
      double v = losses[i];
      if (!Double.isFinite(v)) {
        i++;
        continue;
      }
      if (filled >= Math.min(window, 3)) {
        double base = median(recent, Math.min(filled, window));
        if (v > threshold * base) {
          int j = i;
          double peak = v;
          while (j < losses.length && Double.isFinite(losses[j]) && losses[j] > recovery * base) {
            peak = Math.max(peak, losses[j]);
            j++;
          }
          int elevated = j - i;
          boolean recovered = j < losses.length && Double.isFinite(losses[j]);
          LossEvent.Kind kind =
              !recovered
                  ? LossEvent.Kind.SPIKE_UNRECOVERED
                  : elevated == 1 ? LossEvent.Kind.BLIP : LossEvent.Kind.SPIKE;
          events.add(
              new LossEvent(
                  kind,
                  steps[i],
                  peak,
                  base,
                  peak / base,
                  elevated,
                  recovered ? steps[j] : Double.NaN));
          i = j;
          continue;
        }
      }
      recent[filled % window] = v;
      filled++;
      i++;
    }
    return events;
  }

  private static double median(double[] ring, int n) {
    double[] copy = Arrays.copyOf(ring, n);
    Arrays.sort(copy);
    return n % 2 == 1 ? copy[n / 2] : 0.5 * (copy[n / 2 - 1] + copy[n / 2]);
  }
}
