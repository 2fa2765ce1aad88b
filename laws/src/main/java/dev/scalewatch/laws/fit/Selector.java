package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the number of BNSL breaks (0 to {@code maxBreaks}) by out-of-sample error on the
 * largest-x points and by AICc, never by training error alone.
 *
 * <p>For each candidate: a fit on all points (scored by AICc) and a fit without the {@code h}
 * largest-x points (scored by RMSLE on them). Only supported candidates compete: every break's
 * slope-change interval must exclude zero (fits whose breaks cancel or vanish within their
 * uncertainty are noise); the power law with floor is always supported. Supported candidates whose
 * holdout RMSLE is within {@code best + max(0.5 * best, 2 * s)} ({@code s} the smallest in-sample
 * RMSLE, the noise level) extrapolate about equally well. Among those, starting from the fewest
 * breaks, a candidate with more breaks replaces the current choice only if it lowers AICc by at
 * least 4: breaks must earn their place, so noise does not become a "transition". Without enough
 * points to hold any out, AICc decides alone.
 *
 * <p>Immutable and thread-safe.
 */
public final class Selector {

  /** AICc improvement a candidate with more breaks needs over a simpler eligible one. */
  static final double MIN_AICC_GAIN = 4.0;

  private final Fitter fitter;
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
    List<Candidate> candidates = new ArrayList<>();
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
      Fit full = fitter.fit(form, series, previous, List.of());
      double holdoutRmsle = Double.NaN;
      if (n - h >= k + 1) {
        Fit partial = fitter.fit(form, train, previousPartial, List.of());
        holdoutRmsle = partial.rmsle(held);
        previousPartial = partial;
      }
      candidates.add(new Candidate(b, full, aicc(full, n, k), holdoutRmsle, supported(full, b)));
      previous = full;
    }
    return decide(candidates, h);
  }

  private static boolean supported(Fit fit, int breaks) {
    for (int i = 1; i <= breaks; i++) {
      Parameter c = fit.parameter("c" + i);
      if (!(c.lower() > 0 || c.upper() < 0)) {
        return false;
      }
    }
    return true;
  }

  static double aicc(Fit fit, int n, int k) {
    double ssr = fit.sigma() * fit.sigma() * (n - k);
    double base = n * Math.log(Math.max(ssr / n, 1e-30)) + 2.0 * k;
    return base + (n - k - 1 > 0 ? 2.0 * k * (k + 1) / (n - k - 1) : Double.POSITIVE_INFINITY);
  }

  private static Selection decide(List<Candidate> all, int h) {
    List<Candidate> candidates = all.stream().filter(Candidate::supported).toList();
    Candidate byAicc = candidates.get(0);
    Candidate byHoldout = null;
    double noise = Double.POSITIVE_INFINITY;
    for (Candidate c : candidates) {
      if (c.aicc() < byAicc.aicc()) {
        byAicc = c;
      }
      if (!Double.isNaN(c.holdoutRmsle())
          && (byHoldout == null || c.holdoutRmsle() < byHoldout.holdoutRmsle())) {
        byHoldout = c;
      }
      noise = Math.min(noise, c.fit().rmsle());
    }
    double limit =
        byHoldout == null
            ? Double.NaN
            : byHoldout.holdoutRmsle() + Math.max(0.5 * byHoldout.holdoutRmsle(), 2 * noise);
    Candidate chosen = null;
    for (Candidate c : candidates) {
      boolean eligible =
          byHoldout == null || (!Double.isNaN(c.holdoutRmsle()) && c.holdoutRmsle() <= limit);
      if (eligible && (chosen == null || c.aicc() < chosen.aicc() - MIN_AICC_GAIN)) {
        chosen = c;
      }
    }
    Selection.Criterion criterion;
    if (candidates.size() == 1) {
      criterion = Selection.Criterion.ONLY_SUPPORTED;
    } else if (byHoldout == null) {
      criterion = Selection.Criterion.AICC_ONLY;
    } else if (chosen == byAicc && chosen == byHoldout) {
      criterion = Selection.Criterion.BOTH;
    } else if (chosen == byHoldout) {
      criterion = Selection.Criterion.HOLDOUT;
    } else {
      criterion = Selection.Criterion.AICC;
    }
    double otherAicc = Double.POSITIVE_INFINITY;
    double otherHoldout = Double.POSITIVE_INFINITY;
    for (Candidate c : candidates) {
      if (c != chosen) {
        otherAicc = Math.min(otherAicc, c.aicc());
        if (!Double.isNaN(c.holdoutRmsle())) {
          otherHoldout = Math.min(otherHoldout, c.holdoutRmsle());
        }
      }
    }
    return new Selection(
        chosen, all, criterion, h, otherAicc - chosen.aicc(), otherHoldout / chosen.holdoutRmsle());
  }
}
