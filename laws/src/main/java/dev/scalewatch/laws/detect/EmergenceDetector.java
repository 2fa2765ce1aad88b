package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.SigmoidFitter;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Flags emergence on a bounded higher-is-better metric across scale (e.g. accuracy against model
 * size within a family): at least {@code minPointsBefore} scales within {@code nearFloor} of the
 * floor, then a rise of at least {@code minJump} between two consecutive scales that is also at
 * least {@code jumpRatio} times the largest earlier step. Smooth improvement, where no single step
 * dominates, is not flagged. Values are in the metric's own units; thresholds are fractions of its
 * range {@code [0, bound]}. Several points at one scale are averaged.
 *
 * <p>Immutable and thread-safe.
 */
public final class EmergenceDetector {

  private final double bound;
  private final double nearFloor;
  private final double minJump;
  private final double jumpRatio;
  private final int minPointsBefore;

  /**
   * A detector.
   *
   * @param bound the metric's best value (1 for accuracy, 100 for percent)
   * @param nearFloor fraction of the range within which earlier points count as near the floor
   * @param minJump smallest rise, as a fraction of the range
   * @param jumpRatio how many times the largest earlier step the rise must be
   * @param minPointsBefore scales near the floor needed before the rise
   * @throws IllegalArgumentException if a setting is out of range
   */
  public EmergenceDetector(
      double bound, double nearFloor, double minJump, double jumpRatio, int minPointsBefore) {
    check(bound > 0 && Double.isFinite(bound), "emergence.bound", bound, "> 0");
    check(nearFloor > 0 && nearFloor < 1, "emergence.nearFloor", nearFloor, "(0, 1)");
    check(minJump > 0 && minJump < 1, "emergence.minJump", minJump, "(0, 1)");
    check(jumpRatio >= 1, "emergence.jumpRatio", jumpRatio, ">= 1");
    check(minPointsBefore >= 1, "emergence.minPointsBefore", minPointsBefore, ">= 1");
    this.bound = bound;
    this.nearFloor = nearFloor;
    this.minJump = minJump;
    this.jumpRatio = jumpRatio;
    this.minPointsBefore = minPointsBefore;
  }

  /**
   * Defaults for a metric bounded by {@code bound}: 0.1 near floor, 0.2 jump, ratio 4, 2 scales.
   */
  public static EmergenceDetector forBound(double bound) {
    return new EmergenceDetector(bound, 0.1, 0.2, 4, 2);
  }

  private static void check(boolean ok, String key, double v, String range) {
    if (!ok) {
      throw new IllegalArgumentException(key + " must be " + range + ": " + v);
    }
  }

  /**
   * Looks for the first emergent jump.
   *
   * @param xs scales (positive), any order
   * @param ys metric values at those scales (non-finite values are ignored)
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public Emergence detect(double[] xs, double[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException(
          "emergence needs as many y as x: " + ys.length + " != " + xs.length);
    }
    double[][] avg = averaged(xs, ys);
    double[] x = avg[0];
    double[] y = avg[1];
    int n = x.length;
    double floor = Double.POSITIVE_INFINITY;
    double largestStep = 0;
    for (int k = 0; k + 1 < n; k++) {
      floor = Math.min(floor, y[k]);
      double spread = 0;
      for (int i = 0; i <= k; i++) {
        spread = Math.max(spread, y[i] - floor);
      }
      double jump = y[k + 1] - y[k];
      boolean nearFloorBefore = k + 1 >= minPointsBefore && spread <= nearFloor * bound;
      if (nearFloorBefore && jump >= minJump * bound && jump >= jumpRatio * largestStep) {
        double peak = Double.NEGATIVE_INFINITY;
        for (int i = k + 1; i < n; i++) {
          peak = Math.max(peak, y[i]);
        }
        boolean fallsBack = false;
        boolean pastPeak = false;
        for (int i = k + 1; i < n; i++) {
          pastPeak |= y[i] == peak;
          fallsBack |= pastPeak && y[i] <= peak - minJump * bound;
        }
        double decades = Math.log10(x[k + 1] / x[k]);
        return new Emergence(
            true,
            x[k],
            x[k + 1],
            floor,
            spread,
            jump,
            jump / decades,
            largestStep,
            peak,
            fallsBack,
            String.format(
                Locale.ROOT,
                "%d scales within %.3g of the floor %.3g, then +%.3g between x=%.4g and x=%.4g"
                    + " (%.1fx the largest earlier step %.3g)",
                k + 1,
                spread,
                floor,
                jump,
                x[k],
                x[k + 1],
                largestStep > 0 ? jump / largestStep : Double.POSITIVE_INFINITY,
                largestStep),
            Emergence.UNKNOWN,
            null);
      }
      largestStep = Math.max(largestStep, Math.abs(jump));
    }
    return new Emergence(
        false,
        Double.NaN,
        Double.NaN,
        n == 0 ? Double.NaN : Math.min(floor, y[n - 1]),
        Double.NaN,
        Double.NaN,
        Double.NaN,
        largestStep,
        Double.NaN,
        false,
        String.format(
            Locale.ROOT,
            "no rise of >= %.3g that is >= %.1fx every earlier step after >= %d scales near the"
                + " floor (%d scales seen, largest step %.3g)",
            minJump * bound,
            jumpRatio,
            minPointsBefore,
            n,
            largestStep),
        Emergence.UNKNOWN,
        null);
  }

  /**
   * As {@link #detect(double[], double[])}; for an emergent series fits {@code sigmoid} to the
   * scales up to the highest one at or after the jump (a later fall back is not part of the
   * sigmoid: it is what the sigmoid's band can then flag), so the result says where the jump is
   * with an interval ({@link Emergence#jumpAt()}) and carries the fit. Needs 4 such scales; with
   * fewer the interval is the two scales around the jump and there is no sigmoid. Costs a few
   * milliseconds: for reports and alerts, not every stream update.
   *
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public Emergence detect(double[] xs, double[] ys, SigmoidFitter sigmoid) {
    Emergence e = detect(xs, ys);
    if (!e.emergent()) {
      return e;
    }
    double[][] avg = averaged(xs, ys);
    int peak = -1;
    for (int i = 0; i < avg[0].length; i++) {
      if (avg[0][i] >= e.xAfter() && (peak < 0 || avg[1][i] > avg[1][peak])) {
        peak = i;
      }
    }
    if (peak + 1 < 4) {
      // Too few scales for a sigmoid's 3 parameters: the jump lies between the two scales.
      return e.withJumpBetweenScales();
    }
    return e.withSigmoid(
        sigmoid.fit(
            java.util.Arrays.copyOf(avg[0], peak + 1), java.util.Arrays.copyOf(avg[1], peak + 1)));
  }

  /** Scales in increasing order with the mean value at each, ignoring non-finite values. */
  private static double[][] averaged(double[] xs, double[] ys) {
    TreeMap<Double, double[]> byX = new TreeMap<>();
    for (int i = 0; i < xs.length; i++) {
      if (xs[i] > 0 && Double.isFinite(ys[i])) {
        double[] acc = byX.computeIfAbsent(xs[i], k -> new double[2]);
        acc[0] += ys[i];
        acc[1]++;
      }
    }
    double[] x = new double[byX.size()];
    double[] y = new double[byX.size()];
    int j = 0;
    for (var e : byX.entrySet()) {
      x[j] = e.getKey();
      y[j++] = e.getValue()[0] / e.getValue()[1];
    }
    return new double[][] {x, y};
  }
}
