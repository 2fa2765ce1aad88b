package dev.scalewatch.laws.run;

/**
 * The robust level of a {@link LossWatchState}'s baseline ring at a step: a line {@code ln value =
 * a + b ln(1 + step)} through the points within the step window, with the slope {@code b} from the
 * medians of the older and the newer half (clamped to {@code [-3, 0]}: a loss trend may fall, a
 * rise is never extrapolated), {@code a} the median intercept and the scale the MAD of the
 * residuals (times 1.4826, a standard deviation for Gaussian noise). With fewer than {@link
 * #TREND_MIN_POINTS} points the slope is 0 and the level is the median. O(n) expected per call
 * (quickselect).
 */
final class WindowLevel {

  /** Points from which the trend is estimated; below it the level is the plain median. */
  static final int TREND_MIN_POINTS = 8;

  private static final double MAD_TO_SIGMA = 1.4826;

  final double intercept;
  final double slope;
  final double logLevel;
  final double sigma;
  final int points;
  final long fromStep;

  private WindowLevel(
      double intercept, double slope, double logLevel, double sigma, int points, long fromStep) {
    this.intercept = intercept;
    this.slope = slope;
    this.logLevel = logLevel;
    this.sigma = sigma;
    this.points = points;
    this.fromStep = fromStep;
  }

  double level() {
    return Math.exp(logLevel);
  }

  /**
   * The level at {@code step}, or null when fewer than {@code minPoints} ring points lie within
   * {@code [step - windowSteps, step)}.
   */
  static WindowLevel at(
      LossWatchState s, long step, double logStep, long windowSteps, int minPoints) {
    int cap = s.steps.length;
    long from = step < Long.MIN_VALUE + windowSteps ? Long.MIN_VALUE : step - windowSteps;
    int n = 0;
    while (n < s.size && s.steps[Math.floorMod(s.head - 1 - n, cap)] >= from) {
      n++;
    }
    if (n < minPoints) {
      return null;
    }
    double[] u = new double[n];
    double[] y = new double[n];
    int first = Math.floorMod(s.head - n, cap);
    for (int i = 0; i < n; i++) {
      int k = (first + i) % cap;
      u[i] = s.logSteps[k];
      y[i] = s.logValues[k];
    }
    double[] work = new double[n];
    double slope = 0;
    if (n >= TREND_MIN_POINTS) {
      int h = n / 2;
      double u1 = midOfSorted(u, 0, h);
      double u2 = midOfSorted(u, h, n);
      if (u2 > u1) {
        System.arraycopy(y, 0, work, 0, n);
        double m1 = median(work, 0, h);
        double m2 = median(work, h, n);
        slope = Math.max(-3, Math.min(0, (m2 - m1) / (u2 - u1)));
      }
    }
    for (int i = 0; i < n; i++) {
      work[i] = y[i] - slope * u[i];
    }
    double a = median(work, 0, n);
    for (int i = 0; i < n; i++) {
      work[i] = Math.abs(y[i] - slope * u[i] - a);
    }
    double sigma = MAD_TO_SIGMA * median(work, 0, n);
    long fromStep = s.steps[first];
    return new WindowLevel(a, slope, a + slope * logStep, sigma, n, fromStep);
  }

  /** Median of an increasing range (the ring's log steps are in step order). */
  private static double midOfSorted(double[] a, int from, int to) {
    int n = to - from;
    int k = from + n / 2;
    return n % 2 == 1 ? a[k] : 0.5 * (a[k - 1] + a[k]);
  }

  /** Median of {@code a[from, to)}; reorders that range. Expected O(n). */
  static double median(double[] a, int from, int to) {
    int n = to - from;
    int k = from + n / 2;
    select(a, from, to - 1, k);
    double hi = a[k];
    if (n % 2 == 1) {
      return hi;
    }
    double lo = a[from];
    for (int i = from + 1; i < k; i++) {
      lo = Math.max(lo, a[i]);
    }
    return 0.5 * (lo + hi);
  }

  /** Puts the k-th smallest of {@code a[lo..hi]} at {@code k}, smaller ones before it. */
  private static void select(double[] a, int lo, int hi, int k) {
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      // median of three as pivot
      if (a[mid] < a[lo]) {
        swap(a, mid, lo);
      }
      if (a[hi] < a[lo]) {
        swap(a, hi, lo);
      }
      if (a[hi] < a[mid]) {
        swap(a, hi, mid);
      }
      double pivot = a[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return;
      }
    }
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
