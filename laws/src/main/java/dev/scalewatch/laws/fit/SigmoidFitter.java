package dev.scalewatch.laws.fit;

import java.util.Arrays;
import org.hipparchus.distribution.continuous.FDistribution;
import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Fits a sigmoid in ln x to a bounded higher-is-better score across few sizes (4 to 8 points, the
 * typical emergence sweep), with profile-likelihood intervals:
 *
 * <pre>y = floor + (ceiling - floor) / (1 + exp(-k (ln x - m)))</pre>
 *
 * <p>The floor (chance) is given; the ceiling lies in {@code [floor, bound]}, the steepness {@code
 * k} in {@code [0.2, 60]} per unit of ln x (60 is a step between neighbouring sizes) and the
 * midpoint {@code m} within one span of ln x on either side of the data. Least squares in y,
 * weighted by {@code 1 / stderr^2} when standard errors are given. For every {@code (k, m)} of a 40
 * x 201 grid the ceiling is solved in closed form, so the whole likelihood surface is known; the
 * best grid point is then refined locally.
 *
 * <p>Intervals: a value is inside when some parameters giving it reach a residual sum of squares
 * {@code S <= S_min + s^2 F(1, n - 3; level)} with {@code s^2 = max(S_min / (n - 3), floor^2)} (the
 * profile F interval of nonlinear regression, which carries the uncertainty of the noise estimate
 * from few points; {@code floor} is {@code minStderr}, or 1 in stderr units). This holds for the
 * midpoint (where the jump is), the ceiling, the steepness and the mean at any x; the prediction
 * band for a new point adds the noise {@code t(n - 3) s}. An interval that reaches the edge of the
 * search range is open there (0 or infinity for the midpoint).
 *
 * <p>Failures: {@link IllegalArgumentException} for fewer than 4 points, mismatched arrays or
 * non-finite values. Immutable and thread-safe.
 */
public final class SigmoidFitter {

  static final int K_GRID = 40;
  static final int M_GRID = 201;
  static final double K_MIN = 0.2;
  static final double K_MAX = 60;

  /** Floor candidates, evenly from 0 to the lowest score, when the floor is fitted. */
  static final int FLOOR_GRID = 11;

  private final double floor;
  private final double bound;
  private final double level;
  private final double minStderr;
  private final boolean fitFloor;

  /**
   * A fitter.
   *
   * @param floor the score at chance (0 for exact match, 0.25 for four choices)
   * @param bound the best possible score (1 for accuracy, 100 for percent)
   * @param level confidence level of intervals and bands, e.g. 0.95
   * @param minStderr smallest noise the points are assumed to carry without given stderr (e.g.
   *     0.005: even a large benchmark measures a score to about half a point)
   * @throws IllegalArgumentException if {@code floor >= bound}, the level is outside (0, 1) or
   *     {@code minStderr} is negative
   */
  public SigmoidFitter(double floor, double bound, double level, double minStderr) {
    this(floor, bound, level, minStderr, false);
  }

  private SigmoidFitter(
      double floor, double bound, double level, double minStderr, boolean fitFloor) {
    if (!(floor < bound) || !Double.isFinite(floor) || !Double.isFinite(bound)) {
      throw new IllegalArgumentException(
          "sigmoid.floor must be finite and below sigmoid.bound: " + floor + " >= " + bound);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("sigmoid.level must be in (0, 1), e.g. 0.95: " + level);
    }
    if (!(minStderr >= 0) || !Double.isFinite(minStderr)) {
      throw new IllegalArgumentException("sigmoid.minStderr must be >= 0: " + minStderr);
    }
    this.floor = floor;
    this.bound = bound;
    this.level = level;
    this.minStderr = minStderr;
    this.fitFloor = fitFloor;
  }

  /** A fitter for accuracy: floor {@code chance}, bound 1, 95%, minimum noise 0.005. */
  public static SigmoidFitter forAccuracy(double chance) {
    return new SigmoidFitter(chance, 1.0, 0.95, 0.005);
  }

  /**
   * A fitter for a score in {@code [0, bound]} whose chance level is not known: the floor is fitted
   * too, by least squares over {@value #FLOOR_GRID} candidates evenly from 0 to the lowest score (a
   * score never rises from below its chance level). Intervals and bands are then conditional on the
   * fitted floor (a nuisance parameter confined below the lowest point, e.g. within [0, 0.006] on
   * GPT-Neo/J 2-digit addition). 95%, minimum noise {@code 0.005 * bound}.
   *
   * @throws IllegalArgumentException if {@code bound} is not finite and positive
   */
  public static SigmoidFitter forUnknownChance(double bound) {
    if (!(bound > 0) || !Double.isFinite(bound)) {
      throw new IllegalArgumentException("sigmoid.bound must be finite and > 0: " + bound);
    }
    return new SigmoidFitter(0, bound, 0.95, 0.005 * bound, true);
  }

  /**
   * Fits scores {@code ys} at sizes {@code xs} (any order).
   *
   * @throws IllegalArgumentException for fewer than 4 points, arrays of different length, a
   *     non-positive x or a non-finite y
   */
  public SigmoidFit fit(double[] xs, double[] ys) {
    return fit(xs, ys, null);
  }

  /**
   * Fits scores with their standard errors (weights {@code 1 / stderr^2}).
   *
   * @throws IllegalArgumentException as {@link #fit(double[], double[])}, or for a stderr that is
   *     not finite and positive
   */
  public SigmoidFit fit(double[] xs, double[] ys, double[] stderr) {
    int n = xs.length;
    if (ys.length != n || (stderr != null && stderr.length != n)) {
      throw new IllegalArgumentException(
          "sigmoid needs as many y (and stderr) as x: "
              + ys.length
              + (stderr == null ? "" : "/" + stderr.length)
              + " != "
              + n);
    }
    if (n < 4) {
      throw new IllegalArgumentException(
          "sigmoid needs at least 4 points (3 parameters + 1): got " + n + " (add sizes)");
    }
    double[] t = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      if (!(xs[i] > 0) || !Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
        throw new IllegalArgumentException(
            "sigmoid point " + i + " must have x > 0 and finite y: " + xs[i] + ", " + ys[i]);
      }
      if (stderr != null && !(stderr[i] > 0 && Double.isFinite(stderr[i]))) {
        throw new IllegalArgumentException(
            "sigmoid stderr[" + i + "] must be finite and > 0: " + stderr[i]);
      }
      t[i] = Math.log(xs[i]);
      w[i] = stderr == null ? 1.0 : 1.0 / (stderr[i] * stderr[i]);
    }
    double tMin = Arrays.stream(t).min().orElseThrow();
    double tMax = Arrays.stream(t).max().orElseThrow();
    double span = Math.max(tMax - tMin, 1e-6);
    double mLo = tMin - span;
    double mHi = tMax + span;
    double[] ks = new double[K_GRID];
    double[] ms = new double[M_GRID];
    for (int i = 0; i < K_GRID; i++) {
      ks[i] = K_MIN * Math.pow(K_MAX / K_MIN, i / (double) (K_GRID - 1));
    }
    for (int j = 0; j < M_GRID; j++) {
      ms[j] = mLo + (mHi - mLo) * j / (M_GRID - 1);
    }
    double fitted = floor;
    Surface s = new Surface(t, ys.clone(), w, floor, bound - floor);
    double[] best = s.best(ks, ms);
    if (fitFloor) {
      double lowest = Math.min(bound, Math.max(0, Arrays.stream(ys).min().orElseThrow()));
      for (int j = 1; j < FLOOR_GRID; j++) {
        double candidate = lowest * j / (FLOOR_GRID - 1);
        Surface cs = new Surface(t, ys.clone(), w, candidate, bound - candidate);
        double[] cb = cs.best(ks, ms);
        if (cb[2] < best[2]) {
          fitted = candidate;
          s = cs;
          best = cb;
        }
      }
    }
    int dof = n - 3;
    double sMin = best[2];
    double noiseFloor = stderr == null ? minStderr : 1.0;
    double s2 = Math.max(sMin / dof, noiseFloor * noiseFloor);
    double f = new FDistribution(1, dof).inverseCumulativeProbability(level);
    double threshold = sMin + s2 * f;
    double tq = new TDistribution(dof).inverseCumulativeProbability(0.5 + level / 2);
    double noiseScale = 1.0;
    if (stderr != null) {
      double sum = 0;
      for (double e : stderr) {
        sum += e * e;
      }
      noiseScale = Math.sqrt(sum / n);
    }
    return new SigmoidFit(
        fitted,
        bound,
        level,
        s,
        ks,
        ms,
        best,
        threshold,
        tq * Math.sqrt(s2) * noiseScale,
        Math.sqrt(sMin / dof) * (stderr == null ? 1.0 : noiseScale),
        n,
        Math.exp(tMin),
        Math.exp(tMax));
  }

  /**
   * The least-squares surface over (k, m) with the ceiling solved in closed form. Immutable after
   * construction.
   */
  static final class Surface {
    final double[] t;
    final double[] y;
    final double[] w;
    final double floor;
    final double range;
    private final double syy;

    Surface(double[] t, double[] y, double[] w, double floor, double range) {
      this.t = t;
      this.y = y;
      this.w = w;
      this.floor = floor;
      this.range = range;
      double acc = 0;
      for (int i = 0; i < t.length; i++) {
        acc += w[i] * (y[i] - floor) * (y[i] - floor);
      }
      this.syy = acc;
    }

    /**
     * {A, B, unconstrained minimum S, clamped ceiling c, S at c} for one (k, m): S(c) = syy - 2cB +
     * c^2 A with c = ceiling - floor in [0, range].
     */
    double[] at(double k, double m) {
      double a = 0;
      double b = 0;
      for (int i = 0; i < t.length; i++) {
        double sig = sigmoid(k * (t[i] - m));
        a += w[i] * sig * sig;
        b += w[i] * sig * (y[i] - floor);
      }
      double cFree = a > 0 ? b / a : 0;
      double sFree = a > 0 ? syy - b * b / a : syy;
      double c = Math.min(range, Math.max(0, cFree));
      double sAt = syy - 2 * c * b + c * c * a;
      return new double[] {a, b, Math.max(sFree, 0), c, Math.max(sAt, 0)};
    }

    /** {k, m, S, c} of the best grid point, refined by three rounds of a local 9 x 9 grid. */
    double[] best(double[] ks, double[] ms) {
      double bk = ks[0];
      double bm = ms[0];
      double bs = Double.POSITIVE_INFINITY;
      double bc = 0;
      for (double k : ks) {
        for (double m : ms) {
          double[] r = at(k, m);
          if (r[4] < bs) {
            bs = r[4];
            bk = k;
            bm = m;
            bc = r[3];
          }
        }
      }
      double lkStep = Math.log(ks[1] / ks[0]);
      double mStep = ms[1] - ms[0];
      for (int round = 0; round < 3; round++) {
        double ck = bk;
        double cm = bm;
        for (int i = -4; i <= 4; i++) {
          for (int j = -4; j <= 4; j++) {
            double k = Math.min(ks[ks.length - 1], Math.max(ks[0], ck * Math.exp(i * lkStep / 4)));
            double m = Math.min(ms[ms.length - 1], Math.max(ms[0], cm + j * mStep / 4));
            double[] r = at(k, m);
            if (r[4] < bs) {
              bs = r[4];
              bk = k;
              bm = m;
              bc = r[3];
            }
          }
        }
        lkStep /= 4;
        mStep /= 4;
      }
      return new double[] {bk, bm, bs, bc};
    }

    static double sigmoid(double z) {
      if (z >= 0) {
        return 1.0 / (1.0 + Math.exp(-z));
      }
      double e = Math.exp(z);
      return e / (1.0 + e);
    }
  }
}
