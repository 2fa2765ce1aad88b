package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Form;
import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;

/**
 * A fitted law: the form, its parameters with intervals, the fit quality and the prediction bands
 * used on every extrapolation.
 *
 * <p>Intervals are Jacobian-based (delta method): the covariance of the internal parameters is
 * {@code s^2 (J^T J)^-1} with {@code s^2} the weighted residual variance over {@code n - k} degrees
 * of freedom and Student-t quantiles. Log-scaled parameters get intervals in log space,
 * exponentiated (so they stay positive and are asymmetric). A parameter the data do not identify
 * gets a very wide interval rather than a falsely narrow one. With {@code n <= k} points the
 * intervals and bands are NaN.
 *
 * <p>A fit minimizing Huber's loss ({@link #loss()}) takes its covariance from the case bootstrap
 * instead (resampled points, each resample refitted robustly): the Jacobian formula assumes
 * Gaussian residuals of equal spread, which is what a robust fit is chosen not to assume. Its
 * intervals and bands are then built from that covariance exactly as above.
 *
 * <p>Floor: the residual scale behind intervals and bands ({@link #bandSigma()}) is never below the
 * data's stated stderr (relative, for a point of mean weight) nor below {@link #NUMERICAL_RMSLE},
 * the fit's own numerical error, so a near-perfect fit of noiseless data does not claim a band of
 * zero width that its own rounding would leave.
 *
 * <p>Immutable and thread-safe.
 */
public final class Fit {

  /**
   * Log error below which fits are equally exact: the optimizer stops at relative cost changes of
   * 1e-12 and ln y is evaluated to about 1e-15, so residuals under 1e-9 are numerical, not data.
   */
  public static final double NUMERICAL_RMSLE = 1e-9;

  private final Form form;
  private final double[] theta;
  private final double[][] covariance;
  private final List<Parameter> parameters;
  private final double sigma;
  private final double bandSigma;
  private final double quantile;
  private final double level;
  private final int points;
  private final double rmsle;
  private final double xMin;
  private final double xMax;
  private final Origin origin;
  private final int startsEvaluated;
  private final long durationNanos;
  private final Loss loss;

  private Fit(
      Form form,
      double[] theta,
      double[][] covariance,
      double sigma,
      double bandSigma,
      double quantile,
      double level,
      int points,
      double rmsle,
      double xMin,
      double xMax,
      Origin origin,
      int startsEvaluated,
      long durationNanos,
      Loss loss) {
    this.form = form;
    this.theta = theta;
    this.covariance = covariance;
    this.sigma = sigma;
    this.bandSigma = bandSigma;
    this.quantile = quantile;
    this.level = level;
    this.points = points;
    this.rmsle = rmsle;
    this.xMin = xMin;
    this.xMax = xMax;
    this.origin = origin;
    this.startsEvaluated = startsEvaluated;
    this.durationNanos = durationNanos;
    this.loss = loss;
    this.parameters = buildParameters();
  }

  static Fit create(
      Problem p, double[] theta, double level, Origin origin, int starts, long durationNanos) {
    return create(p, theta, level, origin, starts, durationNanos, Loss.squared(), null);
  }

  /**
   * A fit minimizing {@code loss}; {@code covariance} of the internal parameters replaces the
   * Jacobian one when given (a robust fit's case bootstrap).
   */
  static Fit create(
      Problem p,
      double[] theta,
      double level,
      Origin origin,
      int starts,
      long durationNanos,
      Loss loss,
      double[][] covariance) {
    int n = p.size();
    int k = theta.length;
    double[] r = new double[n];
    double[][] jac = new double[n][k];
    p.residuals(theta, r, jac);
    double cost = 0;
    double plain = 0;
    for (int i = 0; i < n; i++) {
      cost += r[i] * r[i];
      double d = r[i] / p.sw[i];
      plain += d * d;
    }
    int dof = n - k;
    double sigma = dof > 0 ? Math.sqrt(cost / dof) : Double.NaN;
    double quantile =
        dof > 0 ? new TDistribution(dof).inverseCumulativeProbability(0.5 + level / 2) : Double.NaN;
    double bandSigma =
        Double.isNaN(sigma) ? sigma : Math.max(sigma, Math.max(p.statedSigma, NUMERICAL_RMSLE));
    double[][] cov = covariance != null ? covariance : covariance(jac, k, bandSigma);
    return new Fit(
        p.form,
        theta.clone(),
        cov,
        sigma,
        bandSigma,
        quantile,
        level,
        n,
        Math.sqrt(plain / n),
        Math.exp(p.tMin),
        Math.exp(p.tMax),
        origin,
        starts,
        durationNanos,
        loss);
  }

  private static double[][] covariance(double[][] jac, int k, double sigma) {
    double[][] jtj = new double[k][k];
    double maxDiag = 0;
    for (double[] row : jac) {
      for (int a = 0; a < k; a++) {
        for (int b = a; b < k; b++) {
          jtj[a][b] += row[a] * row[b];
        }
      }
    }
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < a; b++) {
        jtj[a][b] = jtj[b][a];
      }
      maxDiag = Math.max(maxDiag, jtj[a][a]);
    }
    double[][] nan = new double[k][k];
    for (double[] row : nan) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    if (!Double.isFinite(sigma) || !(maxDiag > 0)) {
      return nan;
    }
    // A tiny ridge turns unidentified directions into huge (honest) variances instead of failing.
    for (int a = 0; a < k; a++) {
      jtj[a][a] += 1e-12 * maxDiag;
    }
    LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(jtj, false), 0.0);
    if (!lu.getSolver().isNonSingular()) {
      return nan;
    }
    RealMatrix inv = lu.getSolver().getInverse();
    double[][] cov = inv.getData();
    double s2 = Math.max(sigma * sigma, 1e-300);
    for (double[] row : cov) {
      for (int b = 0; b < k; b++) {
        row[b] *= s2;
      }
    }
    return cov;
  }

  private List<Parameter> buildParameters() {
    List<Parameter> out = new ArrayList<>();
    List<String> names = form.parameterNames();
    for (int i = 0; i < theta.length; i++) {
      double half = quantile * Math.sqrt(Math.max(covariance[i][i], 0));
      double lo = theta[i] - half;
      double hi = theta[i] + half;
      if (form.isLogScaled(i)) {
        out.add(new Parameter(names.get(i), Math.exp(theta[i]), Math.exp(lo), Math.exp(hi)));
      } else {
        out.add(new Parameter(names.get(i), theta[i], lo, hi));
      }
    }
    return List.copyOf(out);
  }

  /** The functional form. */
  public Form form() {
    return form;
  }

  /** Natural parameters with intervals, in the form's order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * The parameter called {@code name}.
   *
   * @throws IllegalArgumentException if the form has no such parameter
   */
  public Parameter parameter(String name) {
    for (Parameter p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "form " + form.name() + " has no parameter '" + name + "': " + form.parameterNames());
  }

  /** A copy of the internal parameter vector (log-scaled entries as logs); for warm starts. */
  public double[] internalParameters() {
    return theta.clone();
  }

  /** The state a streaming refit needs, in plain types (see {@link WarmStart}). */
  public WarmStart warmStart() {
    return new WarmStart(form.name(), theta, rmsle);
  }

  /** Covariance entry of internal parameters {@code i} and {@code j}. */
  public double covariance(int i, int j) {
    return covariance[i][j];
  }

  /** Residual standard deviation in natural-log units (weighted), NaN without spare points. */
  public double sigma() {
    return sigma;
  }

  /**
   * The residual scale intervals and bands use: {@link #sigma()} floored at the data's stated
   * relative stderr and at {@link #NUMERICAL_RMSLE}; NaN without spare points.
   */
  public double bandSigma() {
    return bandSigma;
  }

  /** Student-t quantile used for intervals and bands. */
  public double quantile() {
    return quantile;
  }

  /** Confidence level of intervals and bands. */
  public double level() {
    return level;
  }

  /** Number of points fitted. */
  public int points() {
    return points;
  }

  /** In-sample root mean squared natural-log error (unweighted). */
  public double rmsle() {
    return rmsle;
  }

  /** Smallest x fitted. */
  public double xMin() {
    return xMin;
  }

  /** Largest x fitted. */
  public double xMax() {
    return xMax;
  }

  /** How the fit was obtained. */
  public Origin origin() {
    return origin;
  }

  /** Starts evaluated by the search (0 for a kept warm start). */
  public int startsEvaluated() {
    return startsEvaluated;
  }

  /**
   * The loss the fit minimized. Squared: Jacobian intervals. Huber: intervals from the case
   * bootstrap's covariance of the internal parameters (see {@code FitOptions.resamples}).
   */
  public Loss loss() {
    return loss;
  }

  /** Wall time of the fit in nanoseconds. */
  public long durationNanos() {
    return durationNanos;
  }

  /** Predicted metric (fitted orientation) at single-input {@code x}. */
  public double predict(double x) {
    return predict(x, Double.NaN);
  }

  /** Predicted metric at {@code (x, x2)}; {@code x2} is ignored by single-input forms. */
  public double predict(double x, double x2) {
    return Math.exp(form.logValue(theta, Math.log(x), logOrZero(x2), null));
  }

  /** Prediction with bands at single-input {@code x}. */
  public Band band(double x) {
    return band(x, Double.NaN);
  }

  /** Prediction with bands at {@code (x, x2)}. */
  public Band band(double x, double x2) {
    double[] g = new double[theta.length];
    double ly = form.logValue(theta, Math.log(x), logOrZero(x2), g);
    double var = 0;
    for (int a = 0; a < g.length; a++) {
      for (int b = 0; b < g.length; b++) {
        var += g[a] * covariance[a][b] * g[b];
      }
    }
    double mean = quantile * Math.sqrt(Math.max(var, 0));
    double pred = quantile * Math.sqrt(Math.max(var, 0) + bandSigma * bandSigma);
    return new Band(
        x,
        Math.exp(ly),
        Math.exp(ly - mean),
        Math.exp(ly + mean),
        Math.exp(ly - pred),
        Math.exp(ly + pred),
        x > xMax);
  }

  /**
   * Root mean squared natural-log error of this fit on other points, e.g. held-out ones.
   *
   * @throws IllegalArgumentException if {@code s} is empty
   */
  public double rmsle(Series s) {
    if (s.size() == 0) {
      throw new IllegalArgumentException("rmsle needs at least one point: the series is empty");
    }
    double sum = 0;
    for (int i = 0; i < s.size(); i++) {
      double d = Math.log(predict(s.x(i), s.x2(i))) - Math.log(s.y(i));
      sum += d * d;
    }
    return Math.sqrt(sum / s.size());
  }

  private static double logOrZero(double v) {
    return Double.isNaN(v) ? 0.0 : Math.log(v);
  }

  @Override
  public String toString() {
    return "Fit[" + form.name() + ", n=" + points + ", rmsle=" + rmsle + ", " + parameters + "]";
  }
}
