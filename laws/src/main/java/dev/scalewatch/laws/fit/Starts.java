package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.laws.form.Chinchilla;
import dev.scalewatch.laws.form.Form;
import dev.scalewatch.laws.form.Kaplan;
import dev.scalewatch.laws.form.LogMath;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Many cheap starting points, the best few kept for refinement. The nonlinear parameters (floor,
 * break locations and sharpness, Chinchilla exponents) are drawn over ranges derived from the
 * data's x and y span; the parameters that enter linearly given those are solved by weighted linear
 * least squares (variable projection), so each start costs one pass over the data. Degenerate
 * starts (a vanishing break, a non-positive Chinchilla term) are skipped. Not thread-safe; one
 * instance per search.
 */
final class Starts {

  /** A break whose slope change is smaller than this has vanished. */
  static final double MIN_SLOPE_CHANGE = 1e-3;

  private final Problem p;
  private final SplittableRandom random;
  private final int keep;
  private final List<double[]> kept = new ArrayList<>();
  private final List<Double> keptCost = new ArrayList<>();
  private int evaluated;

  Starts(Problem p, long seed, int keep) {
    this.p = p;
    this.random = new SplittableRandom(seed);
    this.keep = keep;
  }

  /**
   * Draws {@code count} starts and returns the best kept ones, best first.
   *
   * @param anchor internal parameters of a fit of the same family with one break fewer, or null;
   *     when given, half of the draws keep its breaks (and half of those its floor) and draw only
   *     the new break
   */
  List<double[]> search(int count, double[] anchor) {
    if (p.form instanceof Bnsl b) {
      if (!b.floor() && b.breaks() == 0) {
        offer(bnslStart(b, Double.NEGATIVE_INFINITY, new double[0], new double[0]));
      } else {
        for (int s = 0; s < count; s++) {
          if (anchor != null && s % 2 == 0) {
            drawAnchored(b, anchor);
          } else {
            drawBnsl(b);
          }
        }
      }
    } else if (p.form instanceof Chinchilla || p.form instanceof Kaplan) {
      for (int s = 0; s < count; s++) {
        drawTwoTerms(p.form instanceof Chinchilla);
      }
    }
    return List.copyOf(kept);
  }

  /**
   * The fit with one break fewer ({@code anchor}, internal vector of form {@code previous}) plus
   * one new break where it is inert: past the largest x by one span of ln x, sharp ({@code f =
   * 0.05}), with a slope change of twice {@link #MIN_SLOPE_CHANGE}. Its effect on every point is
   * below e^-20 of the slope change, so it fits as well as the anchor; Levenberg-Marquardt moves it
   * only if the data pull it. Null if the anchor is not the same BNSL family with one break fewer.
   */
  static double[] nested(Problem p, Bnsl b, Form previous, double[] anchor) {
    if (!(previous instanceof Bnsl a) || a.floor() != b.floor() || a.breaks() != b.breaks() - 1) {
      return null;
    }
    double[] theta = new double[b.parameterCount()];
    System.arraycopy(anchor, 0, theta, 0, anchor.length);
    int k = b.indexBreak(b.breaks());
    double lf = Math.log(0.05);
    theta[k] = 2 * MIN_SLOPE_CHANGE;
    theta[k + 1] = p.tMax + Math.max(p.span(), 1.0);
    theta[k + 2] = lf;
    return p.clamp(theta);
  }

  int evaluated() {
    return evaluated;
  }

  private void drawBnsl(Bnsl b) {
    double la = drawFloor(b);
    int n = b.breaks();
    double[] d = new double[n];
    double[] lf = new double[n];
    double span = p.span();
    for (int i = 0; i < n; i++) {
      d[i] = p.tMin - 0.05 * span + random.nextDouble() * 1.25 * span;
      lf[i] = drawSharpness(span);
    }
    sortBreaks(d, lf);
    offer(bnslStart(b, la, d, lf));
  }

  /** ln a: near zero 15% of the time, else uniform below the smallest y; -inf without floor. */
  private double drawFloor(Bnsl b) {
    if (!b.floor()) {
      return Double.NEGATIVE_INFINITY;
    }
    double yMin = Math.exp(p.lyMin);
    double u = random.nextDouble();
    return u < 0.15 ? Math.log(yMin * 1e-4) : Math.log(yMin * 0.995 * random.nextDouble());
  }

  private void drawAnchored(Bnsl b, double[] anchor) {
    Bnsl previous = new Bnsl(b.breaks() - 1, b.floor());
    int n = b.breaks();
    double[] d = new double[n];
    double[] lf = new double[n];
    for (int i = 1; i < n; i++) {
      int k = previous.indexBreak(i);
      d[i - 1] = anchor[k + 1];
      lf[i - 1] = anchor[k + 2];
    }
    double span = p.span();
    d[n - 1] = p.tMin - 0.05 * span + random.nextDouble() * 1.25 * span;
    lf[n - 1] = drawSharpness(span);
    sortBreaks(d, lf);
    double la = b.floor() && random.nextBoolean() ? anchor[0] : drawFloor(b);
    offer(bnslStart(b, la, d, lf));
  }

  /** ln f, log-uniform from 0.01 to the span of ln x (at least 0.2). */
  private double drawSharpness(double span) {
    double lo = Math.log(0.01);
    return lo + random.nextDouble() * (Math.log(Math.max(0.2, span)) - lo);
  }

  private static void sortBreaks(double[] d, double[] lf) {
    for (int i = 1; i < d.length; i++) {
      for (int j = i; j > 0 && d[j] < d[j - 1]; j--) {
        double t = d[j];
        d[j] = d[j - 1];
        d[j - 1] = t;
        t = lf[j];
        lf[j] = lf[j - 1];
        lf[j - 1] = t;
      }
    }
  }

  /**
   * Solves the linear parameters given floor, break locations and sharpness; null if degenerate.
   */
  private Start bnslStart(Bnsl b, double la, double[] d, double[] lf) {
    int n = p.size();
    int cols = 2 + b.breaks();
    double[][] a = new double[n][cols];
    double[] v = new double[n];
    double[] w = new double[n];
    double floor = Math.exp(la);
    for (int i = 0; i < n; i++) {
      double rest = Math.exp(p.ly[i]) - floor;
      if (!(rest > 0)) {
        return null;
      }
      v[i] = Math.log(rest);
      w[i] = p.sw[i] * p.sw[i];
      a[i][0] = 1;
      a[i][1] = -p.t1[i];
      for (int k = 0; k < b.breaks(); k++) {
        double f = Math.exp(lf[k]);
        a[i][2 + k] = -f * LogMath.softplus((p.t1[i] - d[k]) / f);
      }
    }
    double[] beta = SmallLinear.solve(a, v, w, cols);
    if (beta == null) {
      return null;
    }
    // The log-space cost, reusing the design (g_i = a_i . beta) instead of re-evaluating the form.
    double cost = 0;
    for (int i = 0; i < n; i++) {
      double g = 0;
      for (int k = 0; k < cols; k++) {
        g += a[i][k] * beta[k];
      }
      double r = p.sw[i] * ((b.floor() ? LogMath.logAddExp(la, g) : g) - p.ly[i]);
      cost += r * r;
    }
    double[] theta = new double[b.parameterCount()];
    if (b.floor()) {
      theta[0] = la;
    }
    theta[b.indexB()] = beta[0];
    theta[b.indexC0()] = beta[1];
    for (int k = 1; k <= b.breaks(); k++) {
      double c = beta[1 + k];
      if (Math.abs(c) < MIN_SLOPE_CHANGE || Math.abs(c) > 30) {
        return null;
      }
      int idx = b.indexBreak(k);
      theta[idx] = c;
      theta[idx + 1] = d[k - 1];
      theta[idx + 2] = lf[k - 1];
    }
    return Double.isFinite(cost) && isInside(theta) ? new Start(theta, cost) : null;
  }

  private boolean isInside(double[] theta) {
    for (int i = 0; i < theta.length; i++) {
      if (!(theta[i] >= p.lower[i] && theta[i] <= p.upper[i])) {
        return false;
      }
    }
    return true;
  }

  /** A start with its cost. */
  private record Start(double[] theta, double cost) {}

  /**
   * A start for {@code [E +] A / x1^alpha + B / x2^beta}: exponents drawn, {@code A, B} solved
   * linearly. Chinchilla stores {@code (ln E, ln A, alpha, ln B, beta)}; Kaplan, without E, {@code
   * (ln Nc, aN, ln Sc, aS)} with {@code A = Nc^aN}, {@code B = Sc^aS}.
   */
  private void drawTwoTerms(boolean floor) {
    double yMin = Math.exp(p.lyMin);
    double e = floor ? yMin * 0.995 * random.nextDouble() : 0.0;
    double alpha = 0.05 + 1.2 * random.nextDouble();
    double beta = 0.05 + 1.2 * random.nextDouble();
    int n = p.size();
    double[][] a = new double[n][2];
    double[] v = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double y = Math.exp(p.ly[i]);
      // Relative weighting so the linear solve approximates the log objective.
      w[i] = p.sw[i] * p.sw[i] / (y * y);
      v[i] = y - e;
      a[i][0] = Math.exp(-alpha * p.t1[i]);
      a[i][1] = Math.exp(-beta * p.t2[i]);
    }
    double s0 = 0;
    double s1 = 0;
    for (int i = 0; i < n; i++) {
      s0 = Math.max(s0, a[i][0]);
      s1 = Math.max(s1, a[i][1]);
    }
    for (int i = 0; i < n; i++) {
      a[i][0] /= s0;
      a[i][1] /= s1;
    }
    double[] ab = SmallLinear.solve(a, v, w, 2);
    if (ab == null || !(ab[0] > 0) || !(ab[1] > 0)) {
      return;
    }
    double la = Math.log(ab[0] / s0);
    double lb = Math.log(ab[1] / s1);
    double[] theta =
        floor
            ? new double[] {Math.log(e), la, alpha, lb, beta}
            : new double[] {la / alpha, alpha, lb / beta, beta};
    p.clamp(theta);
    offer(new Start(theta, p.cost(theta)));
  }

  private void offer(Start start) {
    if (start == null) {
      return;
    }
    evaluated++;
    double[] theta = start.theta();
    double c = start.cost();
    if (!Double.isFinite(c)) {
      return;
    }
    for (int i = 0; i < kept.size(); i++) {
      if (similar(kept.get(i), theta)) {
        if (c < keptCost.get(i)) {
          kept.set(i, theta);
          keptCost.set(i, c);
          sort();
        }
        return;
      }
    }
    if (kept.size() < keep) {
      kept.add(theta);
      keptCost.add(c);
    } else if (c < keptCost.get(keep - 1)) {
      kept.set(keep - 1, theta);
      keptCost.set(keep - 1, c);
    } else {
      return;
    }
    sort();
  }

  private void sort() {
    for (int i = kept.size() - 1; i > 0 && keptCost.get(i) < keptCost.get(i - 1); i--) {
      double[] t = kept.get(i);
      kept.set(i, kept.get(i - 1));
      kept.set(i - 1, t);
      Double c = keptCost.get(i);
      keptCost.set(i, keptCost.get(i - 1));
      keptCost.set(i - 1, c);
    }
  }

  /** Same basin: break locations within 5% of the span and sharpness within a factor 1.5. */
  private boolean similar(double[] u, double[] v) {
    if (!(p.form instanceof Bnsl b) || b.breaks() == 0) {
      return false;
    }
    for (int k = 1; k <= b.breaks(); k++) {
      int idx = b.indexBreak(k);
      if (Math.abs(u[idx + 1] - v[idx + 1]) > 0.05 * p.span()
          || Math.abs(u[idx + 2] - v[idx + 2]) > 0.4) {
        return false;
      }
    }
    return true;
  }
}
