package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.laws.form.Chinchilla;
import dev.scalewatch.laws.form.Form;
import dev.scalewatch.laws.form.Kaplan;

/**
 * One least-squares problem in log space: {@code sum_i w_i (ln yhat_i - ln y_i)^2}, with weights
 * normalized to mean 1 and box limits on the internal parameters that keep evaluation finite. Not
 * thread-safe (reuses a gradient buffer); create one per fit.
 */
final class Problem {

  final Form form;
  final double[] t1;
  final double[] t2;
  final double[] ly;
  final double[] sw;
  final double[] lower;
  final double[] upper;
  final double tMin;
  final double tMax;
  final double lyMin;
  final double lyMax;

  /**
   * The data's stated scatter in weighted log units (the relative stderr of a point of mean
   * weight), 0 when no positive stderr was given.
   */
  double statedSigma;

  private final double[] grad;

  private Problem(Form form, double[] t1, double[] t2, double[] ly, double[] sw) {
    this.form = form;
    this.t1 = t1;
    this.t2 = t2;
    this.ly = ly;
    this.sw = sw;
    this.grad = new double[form.parameterCount()];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double ylo = Double.POSITIVE_INFINITY;
    double yhi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < t1.length; i++) {
      lo = Math.min(lo, t1[i]);
      hi = Math.max(hi, t1[i]);
      ylo = Math.min(ylo, ly[i]);
      yhi = Math.max(yhi, ly[i]);
    }
    this.tMin = lo;
    this.tMax = hi;
    this.lyMin = ylo;
    this.lyMax = yhi;
    this.lower = new double[form.parameterCount()];
    this.upper = new double[form.parameterCount()];
    setLimits();
  }

  static Problem of(Form form, Series s) {
    if (form.inputs() == 2 && !s.hasSecondInput()) {
      throw new IllegalArgumentException(
          "form " + form.name() + " needs two inputs (x, x2): the series has only x");
    }
    int n = s.size();
    double[] t1 = new double[n];
    double[] t2 = new double[n];
    double[] ly = new double[n];
    double[] w = new double[n];
    double wsum = 0;
    for (int i = 0; i < n; i++) {
      t1[i] = Math.log(s.x(i));
      t2[i] = s.hasSecondInput() ? Math.log(s.x2(i)) : 0.0;
      ly[i] = Math.log(s.y(i));
      double rel = s.hasStderr() ? s.stderr(i) / s.y(i) : 1.0;
      w[i] = rel > 0 ? 1.0 / (rel * rel) : Double.NaN;
      wsum += Double.isNaN(w[i]) ? 0 : w[i];
    }
    double[] sw = new double[n];
    double mean = wsum / n;
    double maxW = 0;
    for (double v : w) {
      maxW = Double.isNaN(v) ? maxW : Math.max(maxW, v);
    }
    for (int i = 0; i < n; i++) {
      // A zero stderr means "exact": give it the largest finite weight rather than infinity.
      double wi = Double.isNaN(w[i]) ? (maxW > 0 ? maxW : 1.0) : w[i];
      sw[i] = mean > 0 ? Math.sqrt(wi / mean) : 1.0;
    }
    Problem p = new Problem(form, t1, t2, ly, sw);
    p.statedSigma = s.hasStderr() && wsum > 0 ? 1.0 / Math.sqrt(mean) : 0.0;
    return p;
  }

  /**
   * This problem on at most {@code m} of its points (half spread evenly over ln x, half evenly by
   * rank; the first and last always kept), or this problem itself when it has no more than {@code
   * m} points. The wide search explores on it; the full problem polishes the result.
   */
  Problem thinned(int m) {
    int n = t1.length;
    if (n <= m) {
      return this;
    }
    // Half of the points evenly over ln x (the shape over all decades), half evenly by rank (where
    // the data are dense, as the full objective weighs them).
    boolean[] keep = new boolean[n];
    int half = m / 2;
    int j = 0;
    for (int g = 0; g < half; g++) {
      double target = tMin + (tMax - tMin) * g / (half - 1);
      while (j < n - 1 && t1[j] < target) {
        j++;
      }
      keep[j] = true;
    }
    for (int g = 0; g < m - half; g++) {
      keep[(int) Math.round((n - 1) * (double) g / (m - half - 1))] = true;
    }
    int count = 0;
    for (boolean k : keep) {
      count += k ? 1 : 0;
    }
    double[] a = new double[count];
    double[] b = new double[count];
    double[] c = new double[count];
    double[] d = new double[count];
    int i = 0;
    for (int r = 0; r < n; r++) {
      if (keep[r]) {
        a[i] = t1[r];
        b[i] = t2[r];
        c[i] = ly[r];
        d[i++] = sw[r];
      }
    }
    Problem thin = new Problem(form, a, b, c, d);
    thin.statedSigma = statedSigma;
    return thin;
  }

  int size() {
    return t1.length;
  }

  /**
   * This problem with each point's weight multiplied by {@code factor[i]} (a square-root weight
   * factor), on the same box; one step of iteratively reweighted least squares.
   */
  Problem reweighted(double[] factor) {
    double[] w = new double[sw.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = sw[i] * factor[i];
    }
    return sameBox(t1, t2, ly, w);
  }

  /** This problem on the points {@code rows} (repeats allowed), on the same box. */
  Problem resampled(int[] rows) {
    int m = rows.length;
    double[] a = new double[m];
    double[] b = new double[m];
    double[] c = new double[m];
    double[] d = new double[m];
    for (int i = 0; i < m; i++) {
      a[i] = t1[rows[i]];
      b[i] = t2[rows[i]];
      c[i] = ly[rows[i]];
      d[i] = sw[rows[i]];
    }
    return sameBox(a, b, c, d);
  }

  private Problem sameBox(double[] a, double[] b, double[] c, double[] d) {
    Problem q = new Problem(form, a, b, c, d);
    System.arraycopy(lower, 0, q.lower, 0, lower.length);
    System.arraycopy(upper, 0, q.upper, 0, upper.length);
    q.statedSigma = statedSigma;
    return q;
  }

  double span() {
    return Math.max(tMax - tMin, 1e-9);
  }

  private void setLimits() {
    double span = span();
    if (form instanceof Bnsl b) {
      int o = b.floor() ? 1 : 0;
      if (b.floor()) {
        lower[0] = lyMin - 40;
        upper[0] = lyMax + 2;
      }
      lower[o] = -300;
      upper[o] = 300;
      lower[o + 1] = -30;
      upper[o + 1] = 30;
      for (int i = 1; i <= b.breaks(); i++) {
        int k = b.indexBreak(i);
        lower[k] = -30;
        upper[k] = 30;
        lower[k + 1] = tMin - span - 1;
        upper[k + 1] = tMax + 2 * span + 1;
        lower[k + 2] = Math.log(1e-3);
        upper[k + 2] = Math.log(Math.max(5.0, 2 * span));
      }
    } else if (form instanceof Chinchilla) {
      box(0, lyMin - 40, lyMax + 2);
      box(1, -100, 200);
      box(2, 1e-4, 5);
      box(3, -100, 200);
      box(4, 1e-4, 5);
    } else if (form instanceof Kaplan) {
      // ln Nc and ln Sc: scales far beyond the data are allowed (Kaplan's Nc is ~1e13 parameters).
      box(0, -50, 150);
      box(1, 1e-4, 5);
      box(2, -50, 150);
      box(3, 1e-4, 5);
    }
  }

  private void box(int i, double lo, double hi) {
    lower[i] = lo;
    upper[i] = hi;
  }

  /** Whether internal parameter {@code i} sits at (within 1e-6 of) its lower or upper limit. */
  boolean atLimit(int i, double v) {
    double tol = 1e-6 * Math.max(1, upper[i] - lower[i]);
    return v <= lower[i] + tol || v >= upper[i] - tol;
  }

  /** Clamps in place to the box limits; returns the argument. */
  double[] clamp(double[] theta) {
    for (int i = 0; i < theta.length; i++) {
      if (Double.isNaN(theta[i])) {
        theta[i] = 0.5 * (lower[i] + upper[i]);
      }
      theta[i] = Math.min(upper[i], Math.max(lower[i], theta[i]));
    }
    return theta;
  }

  /** Weighted residuals {@code sw (ln yhat - ln y)} and, if {@code jac != null}, their Jacobian. */
  void residuals(double[] theta, double[] r, double[][] jac) {
    for (int i = 0; i < t1.length; i++) {
      double m = form.logValue(theta, t1[i], t2[i], jac == null ? null : grad);
      r[i] = sw[i] * (m - ly[i]);
      if (jac != null) {
        double[] row = jac[i];
        for (int k = 0; k < grad.length; k++) {
          row[k] = sw[i] * grad[k];
        }
      }
    }
  }

  /** Unweighted root mean squared log error. */
  double rmsle(double[] theta) {
    double c = 0;
    for (int i = 0; i < t1.length; i++) {
      double d = form.logValue(theta, t1[i], t2[i], null) - ly[i];
      c += d * d;
    }
    return Math.sqrt(c / t1.length);
  }

  /** Sum of {@code loss} over the weighted log residuals; +infinity if not finite. */
  double cost(double[] theta, Loss loss) {
    double c = 0;
    for (int i = 0; i < t1.length; i++) {
      c += loss.of(sw[i] * (form.logValue(theta, t1[i], t2[i], null) - ly[i]));
    }
    return Double.isFinite(c) ? c : Double.POSITIVE_INFINITY;
  }

  /** Weighted sum of squared log residuals; +infinity if not finite. */
  double cost(double[] theta) {
    double c = 0;
    for (int i = 0; i < t1.length; i++) {
      double d = sw[i] * (form.logValue(theta, t1[i], t2[i], null) - ly[i]);
      c += d * d;
    }
    return Double.isFinite(c) ? c : Double.POSITIVE_INFINITY;
  }
}
