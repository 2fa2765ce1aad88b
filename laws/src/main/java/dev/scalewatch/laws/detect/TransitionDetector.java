package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.form.Bnsl;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the breaks of a fitted BNSL as transitions: where each sits, how sharp it is, how much the
 * slope changes, and whether points exist on both sides of its onset. Onset and end are where 10%
 * and 90% of the slope change has happened, {@code d * exp(-/+ ln(9) * f)}, with delta-method
 * intervals from the fit's covariance.
 *
 * <p>Pure functions; thread-safe.
 */
public final class TransitionDetector {

  /** {@code ln 9}: 10% to 90% of a break's slope change lies within d * exp(+-ln9 * f). */
  static final double LN9 = Math.log(9);

  private TransitionDetector() {}

  /**
   * One {@link Transition} per break of {@code fit}, judged against the x values seen.
   *
   * @param fit a BNSL fit (a fit without breaks or of another form yields an empty list)
   * @param xs the x values of the points seen (any order)
   */
  public static List<Transition> detect(Fit fit, double[] xs) {
    List<Transition> out = new ArrayList<>();
    if (!(fit.form() instanceof Bnsl form)) {
      return out;
    }
    for (int i = 1; i <= form.breaks(); i++) {
      int k = form.indexBreak(i);
      Parameter onset = edge(fit, k, -LN9, "onset" + i);
      Parameter end = edge(fit, k, LN9, "end" + i);
      int before = 0;
      int after = 0;
      int pastEnd = 0;
      for (double x : xs) {
        if (x < onset.value()) {
          before++;
        } else {
          after++;
        }
        if (x > end.value()) {
          pastEnd++;
        }
      }
      Transition.Phase phase;
      if (before == 0) {
        phase = Transition.Phase.NO_POINTS_BEFORE;
      } else if (after == 0) {
        phase = Transition.Phase.AHEAD;
      } else if (pastEnd == 0) {
        phase = Transition.Phase.UNDERWAY;
      } else {
        phase = Transition.Phase.COMPLETE;
      }
      Parameter c = fit.parameter("c" + i);
      boolean significant = c.lower() > 0 || c.upper() < 0;
      out.add(
          new Transition(
              i,
              phase,
              fit.parameter("d" + i),
              fit.parameter("f" + i),
              c,
              onset,
              end,
              before,
              after,
              pastEnd,
              significant));
    }
    return out;
  }

  /** {@code x = exp(D + s * f)} with {@code f = exp(phi)}; delta-method interval in log space. */
  static Parameter edge(Fit fit, int k, double s, String name) {
    double[] theta = fit.internalParameters();
    double lnD = theta[k + 1];
    double f = Math.exp(theta[k + 2]);
    double value = lnD + s * f;
    double gPhi = s * f;
    double var =
        fit.covariance(k + 1, k + 1)
            + 2 * gPhi * fit.covariance(k + 1, k + 2)
            + gPhi * gPhi * fit.covariance(k + 2, k + 2);
    double half = fit.quantile() * Math.sqrt(Math.max(var, 0));
    return new Parameter(name, Math.exp(value), Math.exp(value - half), Math.exp(value + half));
  }
}
