package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the number of BNSL breaks (0 to {@code maxBreaks}) by out-of-sample error on the
 * largest-x points and by AICc combined, never by training error alone.
 *
 * <p>For each candidate: a fit on all points (scored by AICc) and, if that fit is supported, a fit
 * without the {@code h} largest-x points (scored by RMSLE on them). Each k-break fit starts, among
 * others, from the (k-1)-break fit with the new break placed where it is inert, so it never fits
 * worse than the candidate it contains. Only supported candidates compete: every break's
 * slope-change interval must exclude zero (breaks that cancel or vanish within their uncertainty
 * are noise), no break's sharpness interval may reach its lower bound nor its sharpness or location
 * sit at a bound (a degenerate kink the points cannot resolve), and every break must bend ln y
 * within the points by more than twice the noise over sqrt(n) (else it is inert: the fit with one
 * break fewer in disguise); the power law with floor is always supported. A candidate whose fit
 * fails is recorded as failed with its reason and the others decide. Once a candidate fits to
 * numerical precision ({@link Fit#NUMERICAL_RMSLE}), candidates with more breaks are recorded
 * without a fit (another break could only be inert) and not searched.
 *
 * <p>The two criteria are combined on one scale, the deviance: {@code score = AICc + h
 * ln(max(holdoutRmsle, s)^2)} with {@code s} the smallest in-sample RMSLE (the noise level: a
 * holdout error below it is luck). So a margin of thousands in AICc is not overruled by a holdout
 * that is a little better, nor a holdout error several times smaller by a small AICc gain. Both
 * RMSLEs are floored at {@link Fit#NUMERICAL_RMSLE}: differences below the fit's own numerical
 * error are not evidence. Starting from the fewest breaks, a candidate with more breaks replaces
 * the current choice only if it lowers the score by at least 4: breaks must earn their place, so
 * noise does not become a "transition". Without enough points to hold any out, AICc decides alone.
 *
 * <p>Immutable and thread-safe.
 */
public final class Selector {

  /** Score (AICc plus holdout deviance) improvement a candidate with more breaks needs. */
  static final double MIN_AICC_GAIN = 4.0;

  /** RMSLE below which fits are equally exact (see {@link Fit#NUMERICAL_RMSLE}). */
  static final double NUMERICAL_RMSLE = Fit.NUMERICAL_RMSLE;

  /** Fits one candidate; {@code anchor} is the fit with one break fewer or null. */
  interface CandidateFitter {
    Fit fit(Bnsl form, Series series, Fit anchor);
  }

  private final CandidateFitter fitter;
  private final int maxBreaks;
  private final int holdout;

  /**
   * A selector.
   *
   * @param fitter the fitter to use
   * @param maxBreaks largest number of breaks to try, {@code 0..3}
   * @param holdout number of largest-x points held out, or 0 for {@code max(2, n / 5)}
   * @throws IllegalArgumentException if {@code maxBreaks} or {@code holdout} is out of range
   */
  public Selector(Fitter fitter, int maxBreaks, int holdout) {
    this((form, series, anchor) -> fitter.fit(form, series, anchor, List.of()), maxBreaks, holdout);
  }

  /** A selector fitting candidates with {@code fitter} (tests use it to make one fail). */
  Selector(CandidateFitter fitter, int maxBreaks, int holdout) {
    if (maxBreaks < 0 || maxBreaks > Bnsl.MAX_BREAKS) {
      throw new IllegalArgumentException(
          "select.maxBreaks must be in 0.." + Bnsl.MAX_BREAKS + ": " + maxBreaks);
    }
    if (holdout < 0) {
      throw new IllegalArgumentException(
          "select.holdout must be >= 0: " + holdout + " (0 picks max(2, n/5))");
    }
    this.fitter = fitter;
    this.maxBreaks = maxBreaks;
    this.holdout = holdout;
  }

  /** A selector over 0 to 3 breaks with the default fitter and automatic holdout. */
  public Selector() {
    this(new Fitter(), Bnsl.MAX_BREAKS, 0);
  }

  /**
   * Fits 0 to {@code maxBreaks} breaks (as many as the points allow) and chooses among them.
   *
   * @throws IllegalArgumentException if the series cannot support even the power law with floor
   * @throws IllegalStateException if no candidate could be fitted and supported; the message gives
   *     each candidate's reason
   */
  public Selection select(Series series) {
    int n = series.size();
    Fitter.requireEnoughPoints(Bnsl.withBreaks(0), n);
    int h = holdout > 0 ? holdout : Math.max(2, n / 5);
    if (h >= n) {
      throw new IllegalArgumentException(
          "select.holdout must be < number of points: "
              + h
              + " >= "
              + n
              + " (use at most "
              + (n - 1)
              + ")");
    }
    Series train = series.head(n - h);
    Series held = series.tail(h);
    List<Tried> tried = new ArrayList<>();
    Fit previous = null;
    Fit previousPartial = null;
    for (int b = 0; b <= maxBreaks; b++) {
      Bnsl form = Bnsl.withBreaks(b);
      int k = form.parameterCount();
      // The power law with floor is always tried (n >= k + 1 was checked); a form with breaks
      // needs one more point so that its AICc is finite and it can be compared.
      if (b > 0 && n < k + 2) {
        break;
      }
      Fit full;
      try {
        full = fitter.fit(form, series, previous);
      } catch (RuntimeException e) {
        tried.add(Tried.failed(b, "fit failed: " + e.getMessage()));
        previous = null;
        previousPartial = null;
        continue;
      }
      String reason = unsupported(full, series);
      double holdoutRmsle = Double.NaN;
      Fit partial = null;
      // An unsupported candidate cannot be chosen: its fit without the held-out points is skipped.
      if (reason.isEmpty() && n - h >= k + 1) {
        try {
          partial = fitter.fit(form, train, previousPartial);
          holdoutRmsle = partial.rmsle(held);
        } catch (RuntimeException e) {
          tried.add(
              Tried.failed(b, "fit without the " + h + " largest x failed: " + e.getMessage()));
          previous = full;
          previousPartial = null;
          continue;
        }
      }
      tried.add(new Tried(b, full, aicc(full, n, k), holdoutRmsle, reason));
      previous = full;
      previousPartial = partial;
      if (full.rmsle() <= NUMERICAL_RMSLE) {
        // Exact to numerical precision: a further break can only be inert, so it is not searched.
        for (int more = b + 1;
            more <= maxBreaks && n >= Bnsl.withBreaks(more).parameterCount() + 2;
            more++) {
          tried.add(
              Tried.failed(
                  more,
                  String.format(
                      Locale.ROOT,
                      "not fitted: the fit with %d break(s) is exact (RMSLE %.2g <= %.0g), so"
                          + " another break could only be inert",
                      b,
                      full.rmsle(),
                      NUMERICAL_RMSLE)));
        }
        break;
      }
    }
    return decide(tried, h);
  }

  /** A candidate before scoring: a failed one has no fit and a reason. */
  record Tried(int breaks, Fit fit, double aicc, double holdoutRmsle, String reason) {
    static Tried failed(int breaks, String reason) {
      return new Tried(breaks, null, Double.NaN, Double.NaN, reason);
    }

    boolean supported() {
      return reason.isEmpty();
    }
  }

  /** Why a fit's breaks are not supported, or empty. */
  static String unsupported(Fit fit, Series series) {
    if (!(fit.form() instanceof Bnsl b) || b.breaks() == 0) {
      return "";
    }
    List<String> why = new ArrayList<>();
    for (int i = 1; i <= b.breaks(); i++) {
      Parameter c = fit.parameter("c" + i);
      if (!(c.lower() > 0 || c.upper() < 0)) {
        why.add(
            String.format(
                Locale.ROOT,
                "slope change c%d = %.3g is within its interval [%.3g, %.3g] of 0",
                i,
                c.value(),
                c.lower(),
                c.upper()));
      }
    }
    Problem p = Problem.of(fit.form(), series);
    double[] theta = fit.internalParameters();
    double visible = Math.max(NUMERICAL_RMSLE, 2 * fit.rmsle() / Math.sqrt(series.size()));
    for (int i = 1; i <= b.breaks(); i++) {
      int k = b.indexBreak(i);
      double bend = bend(p, theta, k);
      if (bend < visible) {
        why.add(
            String.format(
                Locale.ROOT,
                "break %d at x=%.3g bends ln y by %.2g RMS within the points, below %.2g (it is"
                    + " inert: the fit with one break fewer in disguise)",
                i,
                Math.exp(theta[k + 1]),
                bend,
                visible));
        continue;
      }
      Parameter f = fit.parameter("f" + i);
      double fMin = Math.exp(p.lower[k + 2]);
      if (p.atLimit(k + 2, theta[k + 2]) || !(f.lower() > fMin)) {
        why.add(
            String.format(
                Locale.ROOT,
                "sharpness f%d = %.3g [%.3g, %.3g] reaches its bound %.3g (a degenerate kink the"
                    + " points cannot resolve)",
                i,
                f.value(),
                f.lower(),
                f.upper(),
                p.atLimit(k + 2, theta[k + 2]) && theta[k + 2] > 0
                    ? Math.exp(p.upper[k + 2])
                    : fMin));
      }
      if (p.atLimit(k + 1, theta[k + 1])) {
        why.add(
            String.format(
                Locale.ROOT,
                "location d%d = %.3g is at its bound (a degenerate break)",
                i,
                Math.exp(theta[k + 1])));
      }
    }
    return String.join("; ", why);
  }

  /**
   * How much break {@code k} (index of its {@code c}) bends ln y within the points: the RMS of its
   * contribution after removing the best straight line in ln x, which the other parameters absorb.
   */
  static double bend(Problem p, double[] theta, int k) {
    int n = p.size();
    double[] without = theta.clone();
    without[k] = 0;
    double[][] a = new double[n][2];
    double[] v = new double[n];
    double[] w = new double[n];
    for (int j = 0; j < n; j++) {
      v[j] =
          p.form.logValue(theta, p.t1[j], p.t2[j], null)
              - p.form.logValue(without, p.t1[j], p.t2[j], null);
      a[j][0] = 1;
      a[j][1] = p.t1[j] - p.tMin;
      w[j] = 1;
    }
    double[] line = SmallLinear.solve(a, v, w, 2);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double r = line == null ? v[j] : v[j] - line[0] - line[1] * a[j][1];
      sum += r * r;
    }
    return Math.sqrt(sum / n);
  }

  /** AICc with the residual variance floored at {@link #NUMERICAL_RMSLE} squared. */
  static double aicc(Fit fit, int n, int k) {
    double ssr = fit.sigma() * fit.sigma() * (n - k);
    double mse = Math.max(ssr / n, NUMERICAL_RMSLE * NUMERICAL_RMSLE);
    double base = n * Math.log(mse) + 2.0 * k;
    return base + (n - k - 1 > 0 ? 2.0 * k * (k + 1) / (n - k - 1) : Double.POSITIVE_INFINITY);
  }

  static Selection decide(List<Tried> all, int h) {
    List<Tried> ok = all.stream().filter(t -> t.fit() != null && t.supported()).toList();
    if (ok.isEmpty()) {
      StringBuilder why = new StringBuilder("no candidate could be selected:");
      for (Tried t : all) {
        why.append(' ').append(t.breaks()).append(" break(s): ").append(t.reason()).append(';');
      }
      throw new IllegalStateException(why.substring(0, why.length() - 1));
    }
    boolean anyHoldout = ok.stream().anyMatch(t -> !Double.isNaN(t.holdoutRmsle()));
    double noise = Double.POSITIVE_INFINITY;
    for (Tried t : ok) {
      noise = Math.min(noise, t.fit().rmsle());
    }
    double holdFloor = Math.max(NUMERICAL_RMSLE, noise);
    List<Candidate> candidates = new ArrayList<>();
    Candidate chosen = null;
    Candidate byAicc = null;
    Candidate byHoldout = null;
    List<Candidate> eligible = new ArrayList<>();
    for (Tried t : all) {
      boolean eligibleHere =
          t.fit() != null && t.supported() && (!anyHoldout || !Double.isNaN(t.holdoutRmsle()));
      double score = Double.NaN;
      if (eligibleHere) {
        double hr = Math.max(t.holdoutRmsle(), holdFloor);
        score = anyHoldout ? t.aicc() + h * Math.log(hr * hr) : t.aicc();
      }
      String reason = t.reason();
      if (t.fit() != null && t.supported() && !eligibleHere) {
        reason = "too few points to fit it without the " + h + " largest x";
      }
      Candidate c =
          new Candidate(
              t.breaks(), t.fit(), t.aicc(), t.holdoutRmsle(), score, reason.isEmpty(), reason);
      candidates.add(c);
      if (!eligibleHere) {
        continue;
      }
      eligible.add(c);
      if (chosen == null || c.score() < chosen.score() - MIN_AICC_GAIN) {
        chosen = c;
      }
      if (byAicc == null || c.aicc() < byAicc.aicc()) {
        byAicc = c;
      }
      if (anyHoldout && (byHoldout == null || c.holdoutRmsle() < byHoldout.holdoutRmsle())) {
        byHoldout = c;
      }
    }
    // A criterion "picked" a candidate only if that candidate is strictly best on it.
    for (Candidate c : eligible) {
      if (c != byAicc && c.aicc() == byAicc.aicc()) {
        byAicc = null;
        break;
      }
    }
    for (Candidate c : eligible) {
      if (byHoldout != null && c != byHoldout && c.holdoutRmsle() == byHoldout.holdoutRmsle()) {
        byHoldout = null;
        break;
      }
    }
    Selection.Criterion criterion;
    if (eligible.size() == 1) {
      criterion = Selection.Criterion.ONLY_SUPPORTED;
    } else if (!anyHoldout) {
      criterion = Selection.Criterion.AICC_ONLY;
    } else if (chosen == byAicc && chosen == byHoldout) {
      criterion = Selection.Criterion.BOTH;
    } else if (chosen == byHoldout) {
      criterion = Selection.Criterion.HOLDOUT;
    } else if (chosen == byAicc) {
      criterion = Selection.Criterion.AICC;
    } else {
      criterion = Selection.Criterion.COMBINED;
    }
    double otherAicc = Double.POSITIVE_INFINITY;
    double otherHoldout = Double.POSITIVE_INFINITY;
    for (Candidate c : eligible) {
      if (c != chosen) {
        otherAicc = Math.min(otherAicc, c.aicc());
        if (!Double.isNaN(c.holdoutRmsle())) {
          otherHoldout = Math.min(otherHoldout, c.holdoutRmsle());
        }
      }
    }
    return new Selection(
        chosen,
        candidates,
        criterion,
        h,
        otherAicc - chosen.aicc(),
        otherHoldout / chosen.holdoutRmsle());
  }
}
