package dev.scalewatch.laws.fit;

/**
 * A sigmoid in ln x fitted by {@link SigmoidFitter}, with profile-likelihood intervals on where the
 * jump is (the midpoint), the ceiling and the steepness, and bands at any x.
 *
 * <p>Immutable and thread-safe.
 */
public final class SigmoidFit {

  private final double floor;
  private final double bound;
  private final double level;
  private final SigmoidFitter.Surface surface;
  private final double[] ks;
  private final double[] ms;
  private final double k;
  private final double m;
  private final double ceiling;
  private final double threshold;
  private final double noise;
  private final double sigma;
  private final int points;
  private final double xMin;
  private final double xMax;
  // The grid points within the threshold, for the bands: k, m and the ceiling range over floor.
  private final double[] insideK;
  private final double[] insideM;
  private final double[] insideCLo;
  private final double[] insideCHi;
  private final Parameter midpoint;
  private final Parameter ceilingParameter;
  private final Parameter steepness;

  SigmoidFit(
      double floor,
      double bound,
      double level,
      SigmoidFitter.Surface surface,
      double[] ks,
      double[] ms,
      double[] best,
      double threshold,
      double noise,
      double sigma,
      int points,
      double xMin,
      double xMax) {
    this.floor = floor;
    this.bound = bound;
    this.level = level;
    this.surface = surface;
    this.ks = ks;
    this.ms = ms;
    this.k = best[0];
    this.m = best[1];
    this.ceiling = floor + best[3];
    this.threshold = threshold;
    this.noise = noise;
    this.sigma = sigma;
    this.points = points;
    this.xMin = xMin;
    this.xMax = xMax;
    java.util.List<double[]> inside = new java.util.ArrayList<>();
    double mLo = Double.POSITIVE_INFINITY;
    double mHi = Double.NEGATIVE_INFINITY;
    double kLo = Double.POSITIVE_INFINITY;
    double kHi = Double.NEGATIVE_INFINITY;
    double cLo = Double.POSITIVE_INFINITY;
    double cHi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < ks.length; i++) {
      for (int j = 0; j < ms.length; j++) {
        double[] r = surface.at(ks[i], ms[j]);
        if (r[4] > threshold) {
          continue;
        }
        mLo = Math.min(mLo, j == 0 ? Double.NEGATIVE_INFINITY : ms[j]);
        mHi = Math.max(mHi, j == ms.length - 1 ? Double.POSITIVE_INFINITY : ms[j]);
        kLo = Math.min(kLo, i == 0 ? 0 : ks[i]);
        kHi = Math.max(kHi, i == ks.length - 1 ? Double.POSITIVE_INFINITY : ks[i]);
        double[] c = ceilingRange(r);
        cLo = Math.min(cLo, floor + c[0]);
        cHi = Math.max(cHi, floor + c[1]);
        inside.add(new double[] {ks[i], ms[j], c[0], c[1]});
      }
    }
    insideK = inside.stream().mapToDouble(v -> v[0]).toArray();
    insideM = inside.stream().mapToDouble(v -> v[1]).toArray();
    insideCLo = inside.stream().mapToDouble(v -> v[2]).toArray();
    insideCHi = inside.stream().mapToDouble(v -> v[3]).toArray();
    // The m grid is coarse next to the interval of 8 precise points: edges by bisection on the
    // profile min_k S(k, m).
    mLo = edge(mLo, -1);
    mHi = edge(mHi, +1);
    // The refined optimum can lie between grid points: intervals always contain the estimate.
    this.midpoint =
        new Parameter("xMid", Math.exp(m), Math.exp(Math.min(mLo, m)), Math.exp(Math.max(mHi, m)));
    this.steepness = new Parameter("k", k, Math.min(kLo, k), Math.max(kHi, k));
    this.ceilingParameter =
        new Parameter("ceiling", ceiling, Math.min(cLo, ceiling), Math.max(cHi, ceiling));
  }

  /** The profile of S over m: the minimum over k (grid, then golden section around the best). */
  private double profile(double mm) {
    int bi = 0;
    double bs = Double.POSITIVE_INFINITY;
    for (int i = 0; i < ks.length; i++) {
      double v = surface.at(ks[i], mm)[4];
      if (v < bs) {
        bs = v;
        bi = i;
      }
    }
    double a = Math.log(ks[Math.max(0, bi - 1)]);
    double b = Math.log(ks[Math.min(ks.length - 1, bi + 1)]);
    double g = (Math.sqrt(5) - 1) / 2;
    for (int it = 0; it < 30; it++) {
      double c = b - g * (b - a);
      double d = a + g * (b - a);
      if (surface.at(Math.exp(c), mm)[4] < surface.at(Math.exp(d), mm)[4]) {
        b = d;
      } else {
        a = c;
      }
    }
    return Math.min(bs, surface.at(Math.exp(0.5 * (a + b)), mm)[4]);
  }

  /**
   * Refines an interval end found on the m grid: moves it outward while the profile stays within
   * the threshold, by bisection between the last grid point inside and the next one outside.
   */
  private double edge(double gridEnd, int direction) {
    if (Double.isInfinite(gridEnd)) {
      return gridEnd;
    }
    double step = ms[1] - ms[0];
    double inside = gridEnd;
    double outside = gridEnd + direction * step;
    if (profile(outside) <= threshold) {
      inside = outside;
      outside = inside + direction * step;
    }
    for (int it = 0; it < 30; it++) {
      double mid = 0.5 * (inside + outside);
      if (profile(mid) <= threshold) {
        inside = mid;
      } else {
        outside = mid;
      }
    }
    return inside;
  }

  /** The ceilings (minus floor) within the threshold at one grid point: S(c) <= threshold. */
  private double[] ceilingRange(double[] r) {
    double a = r[0];
    double cFree = a > 0 ? r[1] / a : 0;
    double half = a > 0 ? Math.sqrt(Math.max(0, threshold - r[2]) / a) : Double.POSITIVE_INFINITY;
    double range = bound - floor;
    double lo = Math.max(0, Math.min(range, cFree - half));
    double hi = Math.max(0, Math.min(range, cFree + half));
    return new double[] {Math.min(lo, r[3]), Math.max(hi, r[3])};
  }

  /**
   * Where the jump is: the x at the sigmoid's midpoint, with its profile interval (0 or infinity
   * where the interval reaches the edge of the search range: the data do not bound it there).
   */
  public Parameter midpoint() {
    return midpoint;
  }

  /** The ceiling the score rises to, with its interval (within floor and bound). */
  public Parameter ceiling() {
    return ceilingParameter;
  }

  /** Steepness per unit of ln x (10% to 90% of the rise within {@code 2 ln 9 / k} of ln x). */
  public Parameter steepness() {
    return steepness;
  }

  /** The floor (chance): given, or fitted ({@link SigmoidFitter#forUnknownChance}). */
  public double floor() {
    return floor;
  }

  /** The best possible score (the ceiling's upper limit). */
  public double bound() {
    return bound;
  }

  /** Smallest x fitted. */
  public double xMin() {
    return xMin;
  }

  /** Largest x fitted; bands beyond it are extrapolations. */
  public double xMax() {
    return xMax;
  }

  /** Residual standard deviation of the scores (over {@code n - 3} degrees of freedom). */
  public double sigma() {
    return sigma;
  }

  /** Number of points fitted. */
  public int points() {
    return points;
  }

  /** Confidence level of intervals and bands. */
  public double level() {
    return level;
  }

  /** The fitted score at {@code x}. */
  public double predict(double x) {
    return floor + (ceiling - floor) * SigmoidFitter.Surface.sigmoid(k * (Math.log(x) - m));
  }

  /**
   * The prediction at {@code x} with the confidence band of the mean (profile) and the prediction
   * band for a new point (adds the noise), both within {@code [0, bound]}.
   */
  public Band band(double x) {
    double t = Math.log(x);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < insideK.length; i++) {
      double s = SigmoidFitter.Surface.sigmoid(insideK[i] * (t - insideM[i]));
      lo = Math.min(lo, floor + insideCLo[i] * s);
      hi = Math.max(hi, floor + insideCHi[i] * s);
    }
    double y = predict(x);
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
    double down = Math.hypot(y - lo, noise);
    double up = Math.hypot(hi - y, noise);
    return new Band(x, y, lo, hi, Math.max(0, y - down), Math.min(bound, y + up), x > xMax);
  }

  /** Whether a later point at {@code x} with score {@code y} lies outside the prediction band. */
  public boolean brokenBy(double x, double y) {
    return !band(x).contains(y);
  }

  @Override
  public String toString() {
    return "SigmoidFit[n="
        + points
        + ", "
        + midpoint
        + ", "
        + ceilingParameter
        + ", "
        + steepness
        + ", sigma="
        + sigma
        + "]";
  }
}
