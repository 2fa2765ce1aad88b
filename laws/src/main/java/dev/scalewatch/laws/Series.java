package dev.scalewatch.laws;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Points to fit: scale {@code x} (and for two-input laws a second scale {@code x2}), metric {@code
 * y} in the fitted orientation (lower is better, see {@link Metric#toFitted}) and an optional
 * standard error of each {@code y}. Points are kept sorted by {@code x}.
 *
 * <p>Immutable and thread-safe: arrays are copied on the way in and out.
 */
public final class Series {

  private final double[] x;
  private final double[] x2;
  private final double[] y;
  private final double[] stderr;

  private Series(double[] x, double[] x2, double[] y, double[] stderr) {
    this.x = x;
    this.x2 = x2;
    this.y = y;
    this.stderr = stderr;
  }

  /**
   * Single-input points without standard errors.
   *
   * @throws IllegalArgumentException if lengths differ, or any x or y is not finite and positive
   */
  public static Series of(double[] x, double[] y) {
    return create(x, null, y, null);
  }

  /**
   * Single-input points with the standard error of each y (used as weights).
   *
   * @throws IllegalArgumentException as {@link #of}, or if a stderr is negative or not finite
   */
  public static Series withStderr(double[] x, double[] y, double[] stderr) {
    return create(x, null, y, stderr);
  }

  /**
   * Two-input points, e.g. parameters {@code n}, tokens {@code d} and loss {@code y}.
   *
   * @throws IllegalArgumentException as {@link #of}, also for {@code x2}
   */
  public static Series twoInputs(double[] x, double[] x2, double[] y) {
    return create(x, x2, y, null);
  }

  private static Series create(double[] x, double[] x2, double[] y, double[] stderr) {
    int n = x.length;
    requireLength("y", y, n);
    if (x2 != null) {
      requireLength("x2", x2, n);
    }
    if (stderr != null) {
      requireLength("stderr", stderr, n);
    }
    for (int i = 0; i < n; i++) {
      requirePositive("x", i, x[i]);
      requirePositive("y", i, y[i]);
      if (x2 != null) {
        requirePositive("x2", i, x2[i]);
      }
      if (stderr != null && !(stderr[i] >= 0 && Double.isFinite(stderr[i]))) {
        throw new IllegalArgumentException(
            "series.stderr[" + i + "] must be finite and >= 0: " + stderr[i]);
      }
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> x[i]));
    return new Series(
        permute(x, order),
        x2 == null ? null : permute(x2, order),
        permute(y, order),
        stderr == null ? null : permute(stderr, order));
  }

  private static void requireLength(String name, double[] a, int n) {
    if (a.length != n) {
      throw new IllegalArgumentException(
          "series." + name + " must have as many entries as x: " + a.length + " != " + n);
    }
  }

  private static void requirePositive(String name, int i, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(
          "series."
              + name
              + "["
              + i
              + "] must be finite and > 0 to be fitted in log space: "
              + v
              + (name.equals("y") ? " (fit bounded higher-is-better metrics as error)" : ""));
    }
  }

  private static double[] permute(double[] a, Integer[] order) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[order[i]];
    }
    return out;
  }

  /** Number of points. */
  public int size() {
    return x.length;
  }

  /** Scale of point {@code i} (points sorted by x). */
  public double x(int i) {
    return x[i];
  }

  /** Second scale of point {@code i}, or NaN for single-input series. */
  public double x2(int i) {
    return x2 == null ? Double.NaN : x2[i];
  }

  /** Metric value of point {@code i}. */
  public double y(int i) {
    return y[i];
  }

  /** Standard error of point {@code i}, or NaN when none was given. */
  public double stderr(int i) {
    return stderr == null ? Double.NaN : stderr[i];
  }

  /** Whether standard errors were given. */
  public boolean hasStderr() {
    return stderr != null;
  }

  /** Whether the series has a second input. */
  public boolean hasSecondInput() {
    return x2 != null;
  }

  /** A copy of the x values. */
  public double[] xs() {
    return x.clone();
  }

  /** A copy of the y values. */
  public double[] ys() {
    return y.clone();
  }

  /** Smallest x, or NaN when empty. */
  public double xMin() {
    return x.length == 0 ? Double.NaN : x[0];
  }

  /** Largest x, or NaN when empty. */
  public double xMax() {
    return x.length == 0 ? Double.NaN : x[x.length - 1];
  }

  /** The points {@code from} (inclusive) to {@code to} (exclusive) in x order. */
  public Series slice(int from, int to) {
    if (from < 0 || to > x.length || from > to) {
      throw new IllegalArgumentException(
          "series slice must satisfy 0 <= from <= to <= " + x.length + ": " + from + ".." + to);
    }
    return new Series(
        Arrays.copyOfRange(x, from, to),
        x2 == null ? null : Arrays.copyOfRange(x2, from, to),
        Arrays.copyOfRange(y, from, to),
        stderr == null ? null : Arrays.copyOfRange(stderr, from, to));
  }

  /** The first {@code k} points (smallest x). */
  public Series head(int k) {
    return slice(0, k);
  }

  /** The last {@code k} points (largest x). */
  public Series tail(int k) {
    return slice(x.length - k, x.length);
  }

  /**
   * This series plus one single-input point, e.g. for a streaming refit.
   *
   * @throws IllegalArgumentException if the point is invalid or the series has a second input
   */
  public Series plus(double newX, double newY) {
    if (x2 != null || stderr != null) {
      throw new IllegalArgumentException(
          "series.plus takes a bare (x, y) point; this series has "
              + (x2 != null ? "a second input" : "standard errors")
              + ": build a new Series");
    }
    double[] nx = Arrays.copyOf(x, x.length + 1);
    double[] ny = Arrays.copyOf(y, y.length + 1);
    nx[x.length] = newX;
    ny[y.length] = newY;
    return of(nx, ny);
  }

  @Override
  public String toString() {
    return "Series[n=" + x.length + ", x=" + xMin() + ".." + xMax() + "]";
  }
}
