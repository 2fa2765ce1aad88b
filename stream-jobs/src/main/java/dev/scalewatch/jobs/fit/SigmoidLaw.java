package dev.scalewatch.jobs.fit;

import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.fit.SigmoidFit;
import dev.scalewatch.laws.fit.SigmoidFitter;
import java.util.List;

/**
 * A bounded score's sweep law as a sigmoid in ln x ({@link SigmoidFitter#forUnknownChance}: the
 * floor fitted within [0, lowest score], the ceiling within [floor, bound]), and the criterion that
 * decides whether it replaces the law of the other forms.
 *
 * <p>The criterion is the residual standard error in the score's own units, {@code s = sqrt(RSS /
 * (n - p))} with {@code p} the fitted parameters (the sigmoid: ceiling, steepness, midpoint; its
 * floor, confined below the lowest point, is not counted; the other form: all of its parameters):
 * the sigmoid is the law when its {@code s} is at most the other's. A form with no residual degree
 * of freedom ({@code n <= p}) cannot be judged and loses. Both are compared on the score, not on
 * its log error, because a sigmoid is fitted in y and a jump from 0.05 to 0.8 is a large error in y
 * but a small one in {@code log(1 - y)} at the floor. Immutable.
 *
 * @param fit the sigmoid
 * @param xs the fitted sizes
 * @param ys the fitted scores
 * @param durationNanos how long the fit took
 */
public record SigmoidLaw(SigmoidFit fit, double[] xs, double[] ys, long durationNanos) {

  /** Form name on the fits topic. */
  public static final String FORM = "sigmoid";

  /** Fewest points: the sigmoid's three parameters plus one. */
  public static final int MIN_POINTS = 4;

  /**
   * Most points the sigmoid competes on: it is the form for few sizes (the fit's grid costs about
   * 8,000 evaluations per point); longer series have points enough to resolve a break.
   */
  public static final int MAX_POINTS = 16;

  private static final double LN10 = Math.log(10);

  /**
   * Fits scores {@code ys} at sizes {@code xs} of a score bounded by {@code bound}.
   *
   * @throws IllegalArgumentException as {@link SigmoidFitter#fit(double[], double[])}
   */
  public static SigmoidLaw fit(double[] xs, double[] ys, double bound) {
    long start = System.nanoTime();
    SigmoidFit fit = SigmoidFitter.forUnknownChance(bound).fit(xs, ys);
    return new SigmoidLaw(fit, xs.clone(), ys.clone(), System.nanoTime() - start);
  }

  /** Whether a series of {@code points} of a metric oriented {@code metric} gets the candidate. */
  public static boolean appliesTo(Metric metric, String axis, int points) {
    return metric.direction() == Metric.Direction.HIGHER_IS_BETTER
        && !"steps".equals(axis)
        && points >= MIN_POINTS
        && points <= MAX_POINTS;
  }

  /** Residual standard error in score units of this sigmoid (3 parameters). */
  public double residualError() {
    double rss = 0;
    for (int i = 0; i < xs.length; i++) {
      double r = ys[i] - fit.predict(xs[i]);
      rss += r * r;
    }
    return standardError(rss, xs.length, 3);
  }

  /**
   * Residual standard error in score units of {@code other}, a law of the fitted error {@code bound
   * - y} (of {@code metric}), on the same points.
   */
  public double residualErrorOf(Fit other, Metric metric) {
    double rss = 0;
    for (int i = 0; i < xs.length; i++) {
      double r = ys[i] - metric.toObserved(other.predict(xs[i]));
      rss += r * r;
    }
    return standardError(rss, xs.length, other.parameters().size());
  }

  /** Whether this sigmoid is the better law than {@code other} by the criterion above. */
  public boolean betterThan(Fit other, Metric metric) {
    return residualError() <= residualErrorOf(other, metric);
  }

  private static double standardError(double rss, int n, int p) {
    return n > p ? Math.sqrt(rss / (n - p)) : Double.POSITIVE_INFINITY;
  }

  /**
   * Root mean squared error of {@code log10(bound - y)}, the error the other forms report (so the
   * task page compares like with like); scores at the bound count at 1e-9 below it.
   */
  public double rmseLog10Error() {
    double bound = fit.bound();
    double acc = 0;
    for (int i = 0; i < xs.length; i++) {
      double e = Math.max(bound - ys[i], 1e-9);
      double p = Math.max(bound - fit.predict(xs[i]), 1e-9);
      double r = Math.log(e / p) / LN10;
      acc += r * r;
    }
    return Math.sqrt(acc / xs.length);
  }

  /**
   * The record's parameters: {@code floor} (no interval: conditional), {@code ceiling}, {@code
   * xMid} (where the jump is), {@code k} (steepness per unit of ln x) and {@code width} (decades of
   * x from 10% to 90% of the rise, {@code 2 ln 9 / (k ln 10)}), each with its profile interval.
   */
  public List<Parameter> parameters() {
    Parameter k = fit.steepness();
    double width = 2 * Math.log(9) / LN10;
    return List.of(
        new Parameter("floor", fit.floor(), Double.NaN, Double.NaN),
        fit.ceiling(),
        fit.midpoint(),
        k,
        new Parameter("width", width / k.value(), width / k.upper(), width / k.lower()));
  }

  /** The prediction band at {@code x}, in score units. */
  public Band band(double x) {
    return fit.band(x);
  }
}
