package dev.scalewatch.laws.run;

import java.util.Arrays;

/**
 * Detects a stall: a run whose last event is older than {@code factor} times its median interval
 * between events, and at least {@code minGapMillis}. Event time, not processing time: pass the
 * watermark (or "now" in event time) as {@code nowMillis}.
 *
 * <p>Immutable and thread-safe.
 */
public final class StallDetector {

  private final double factor;
  private final long minGapMillis;

  /**
   * A detector.
   *
   * @param factor multiple of the median interval, > 1
   * @param minGapMillis smallest gap ever reported as a stall, >= 0
   * @throws IllegalArgumentException if a setting is out of range
   */
  public StallDetector(double factor, long minGapMillis) {
    if (!(factor > 1)) {
      throw new IllegalArgumentException("stall.factor must be > 1: " + factor);
    }
    if (minGapMillis < 0) {
      throw new IllegalArgumentException("stall.minGapMillis must be >= 0: " + minGapMillis);
    }
    this.factor = factor;
    this.minGapMillis = minGapMillis;
  }

  /** Defaults: 10 times the median interval and at least 5 minutes. */
  public static StallDetector defaults() {
    return new StallDetector(10, 300_000);
  }

  /**
   * Checks the gap since the last event.
   *
   * @param eventMillis event times of the run's events (any order); at least 2 for a median
   * @param nowMillis current event time (watermark)
   * @throws IllegalArgumentException if fewer than 2 events are given
   */
  public Stall detect(long[] eventMillis, long nowMillis) {
    if (eventMillis.length < 2) {
      throw new IllegalArgumentException(
          "stall detection needs at least 2 events to learn the interval: got "
              + eventMillis.length);
    }
    long[] t = eventMillis.clone();
    Arrays.sort(t);
    long[] gaps = new long[t.length - 1];
    for (int i = 1; i < t.length; i++) {
      gaps[i - 1] = t[i] - t[i - 1];
    }
    Arrays.sort(gaps);
    long median = gaps[gaps.length / 2];
    long threshold = Math.max(minGapMillis, (long) Math.ceil(factor * median));
    long last = t[t.length - 1];
    long gap = nowMillis - last;
    return new Stall(gap > threshold, last, gap, median, threshold);
  }
}
