package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.laws.form.Form;
import dev.scalewatch.laws.form.Forms;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits a {@link Form} to a {@link Series} in log space, by least squares or, with {@link
 * Loss#huber} in the options, by Huber's loss (the least-squares search's best results refined by
 * iteratively reweighted least squares, intervals by the case bootstrap).
 *
 * <p>The wide search draws many cheap starts over ranges derived from the data's x and y span (see
 * {@code Starts}; with breaks, half of them keep the floor and breaks of the best fit with one
 * break fewer and draw only the new break, and that fit itself, with the new break placed where it
 * is inert, is one more start, so a k-break fit never fits worse than the (k-1)-break fit it
 * contains), refines the best few with Levenberg-Marquardt, prefers results whose breaks neither
 * vanished nor ran into a box limit (sharpness or location at its bound) and keeps the lowest loss
 * among them. {@link #refit} warm-starts from a previous fit for streaming use and falls back to
 * the wide search when the warm start no longer explains the new points.
 *
 * <p>Failures: {@link IllegalArgumentException} for too few points or a series that does not suit
 * the form. Results are deterministic for given options. Immutable and thread-safe.
 */
public final class Fitter {

  /** Iterations of the first, short refinement of each kept start; the best is then polished. */
  private static final int SHORT_ITERATIONS = 40;

  /**
   * Iterations allowed to a warm start: a law that still explains the new points converges in a
   * few; needing more means the landscape moved, and the wide search is the better use of time.
   */
  private static final int WARM_ITERATIONS = 15;

  /** Points the wide search explores on; larger single-input series are thinned over ln x. */
  static final int SEARCH_POINTS = 100;

  /** Points on which the best thinned results and the nested start are compared. */
  static final int TRIAL_POINTS = 640;

  /** Results of a thinned search tried on all points (plus the nested start, if any). */
  private static final int POLISHED = 1;

  private final FitOptions options;

  /** A fitter with the given options. */
  public Fitter(FitOptions options) {
    this.options = options;
  }

  /** A fitter with {@link FitOptions#defaults()}. */
  public Fitter() {
    this(FitOptions.defaults());
  }

  /** The options in use. */
  public FitOptions options() {
    return options;
  }

  /**
   * Fits {@code form} to {@code series} with the wide multi-start search. A BNSL with k >= 1 breaks
   * is anchored on the fit with k - 1 breaks (fitted first), so it never fits worse.
   *
   * @throws IllegalArgumentException if the series has fewer than {@code k + 1} points for a form
   *     with {@code k} parameters, or lacks the second input a two-input form needs
   * @throws IllegalStateException if no start gives a finite fit
   */
  public Fit fit(Form form, Series series) {
    Fit anchor = null;
    if (form instanceof Bnsl b && b.breaks() >= 1) {
      try {
        anchor = fit(new Bnsl(b.breaks() - 1, b.floor()), series);
      } catch (RuntimeException e) {
        anchor = null; // the search runs unanchored; its own failure, if any, is reported
      }
    }
    return fit(form, series, anchor, List.of());
  }

  /**
   * The wide search with extra starting points (internal vectors) to refine, and optionally the fit
   * with one break fewer as an anchor: half of the cheap starts keep its breaks, and the anchor
   * itself with the new break placed where it is inert (see {@link Starts#nested}) is one more
   * start, so the result never fits worse than the anchor.
   */
  Fit fit(Form form, Series series, Fit anchor, List<double[]> extraStarts) {
    long t0 = System.nanoTime();
    requireEnoughPoints(form, series.size());
    Problem full = Problem.of(form, series);
    // Single-input searches explore on at most SEARCH_POINTS points spread over ln x; the best
    // result is then polished on all of them (4,000 noiseless points cost a few iterations).
    Problem p = form.inputs() == 1 ? full.thinned(SEARCH_POINTS) : full;
    Starts starts = new Starts(p, options.seed(), options.refinements());
    List<double[]> candidates = new ArrayList<>(extraStarts);
    double[] nested = null;
    if (anchor != null && form instanceof Bnsl b) {
      nested = Starts.nested(full, b, anchor.form(), anchor.internalParameters());
      if (nested != null) {
        candidates.add(nested);
      }
    }
    candidates.addAll(
        starts.search(drawsFor(form), anchor == null ? null : anchor.internalParameters()));
    int shortRun = Math.min(options.maxIterations(), SHORT_ITERATIONS);
    List<Refiner.Result> refined = new ArrayList<>();
    for (double[] c : candidates) {
      if (c != nested || p == full) {
        refined.add(new Refiner(p).refine(c, shortRun));
      }
    }
    Problem ranking = p;
    refined.sort(
        (u, v) ->
            degenerate(ranking, u.theta()) != degenerate(ranking, v.theta())
                ? (degenerate(ranking, u.theta()) ? 1 : -1)
                : Double.compare(u.cost(), v.cost()));
    Refiner.Result best = null;
    if (p != full) {
      // The best of the thinned search and the nested start get a short run on more points; the
      // better of those is polished on all points.
      List<double[]> trials = new ArrayList<>();
      for (int i = 0; i < Math.min(POLISHED, refined.size()); i++) {
        trials.add(refined.get(i).theta());
      }
      if (nested != null) {
        trials.add(nested);
      }
      // Trials on up to TRIAL_POINTS points (all, for series up to that size).
      Problem trial = full.thinned(TRIAL_POINTS);
      int trialRun = Math.min(shortRun, options.maxIterations());
      List<Refiner.Result> onAll = new ArrayList<>();
      for (double[] t : trials) {
        onAll.add(new Refiner(trial).refine(t, trialRun));
      }
      best = better(trial, onAll);
      if (best != null && (trial != full || !best.converged())) {
        Refiner.Result polished = new Refiner(full).refine(best.theta(), options.maxIterations());
        if (polished.cost() <= best.cost()
            && (degenerate(full, best.theta()) || !degenerate(full, polished.theta()))) {
          best = polished;
        }
      }
    } else if (!refined.isEmpty()) {
      best = refined.get(0);
      boolean bestDegenerate = degenerate(p, best.theta());
      if (!best.converged() && shortRun < options.maxIterations()) {
        Refiner.Result polished = new Refiner(p).refine(best.theta(), options.maxIterations());
        boolean keeps = bestDegenerate || !degenerate(p, polished.theta());
        if (polished.cost() <= best.cost() && keeps) {
          best = polished;
        }
      }
    }
    if (best == null) {
      throw new IllegalStateException(
          "no usable start for form "
              + form.name()
              + " on "
              + series
              + " (y range "
              + Math.exp(p.lyMin)
              + ".."
              + Math.exp(p.lyMax)
              + ")");
    }
    double[] theta = best.theta();
    if (options.loss().robust()) {
      // The least-squares optimum and the next best refined starts seed the robust refinement.
      List<double[]> seeds = new ArrayList<>();
      seeds.add(theta);
      for (int i = 0; i < Math.min(options.refinements(), refined.size()); i++) {
        seeds.add(refined.get(i).theta());
      }
      theta = robust(full, seeds);
    }
    return finish(
        full,
        canonical(form, theta),
        Origin.WIDE_SEARCH,
        starts.evaluated() + extraStarts.size() + (nested == null ? 0 : 1),
        t0);
  }

  /**
   * The lowest robust loss reached from {@code seeds} by {@link RobustRefiner}, preferring results
   * whose breaks are not degenerate.
   */
  private double[] robust(Problem full, List<double[]> seeds) {
    List<Refiner.Result> results = new ArrayList<>();
    for (double[] seed : seeds) {
      results.add(new RobustRefiner(full, options.loss()).refine(seed, RobustRefiner.ROUNDS));
    }
    return better(full, results).theta();
  }

  /** The fit at {@code theta}: Jacobian intervals, or for a robust loss the case bootstrap's. */
  private Fit finish(Problem full, double[] theta, Origin origin, int starts, long t0) {
    double[][] covariance =
        options.loss().robust()
            ? CaseBootstrap.covariance(
                full, theta, options.loss(), options.resamples(), options.seed())
            : null;
    return Fit.create(
        full,
        theta,
        options.level(),
        origin,
        starts,
        System.nanoTime() - t0,
        options.loss(),
        covariance);
  }

  /** The result whose breaks are not degenerate with the lowest cost (any, if all are), or null. */
  private static Refiner.Result better(Problem p, List<Refiner.Result> results) {
    Refiner.Result best = null;
    boolean bestDegenerate = true;
    for (Refiner.Result r : results) {
      boolean degenerate = degenerate(p, r.theta());
      if (best == null
          || (bestDegenerate && !degenerate)
          || (degenerate == bestDegenerate && r.cost() < best.cost())) {
        best = r;
        bestDegenerate = degenerate;
      }
    }
    return best;
  }

  /**
   * Refits after new points arrived, starting from {@code previous} with at most 15
   * Levenberg-Marquardt iterations. The warm result is kept while its RMSLE is at most {@code
   * warmTolerance} times the previous RMSLE (plus 1e-4); otherwise the wide search runs, seeded
   * with the warm result as one extra start.
   *
   * @throws IllegalArgumentException as {@link #fit(Form, Series)}
   */
  public Fit refit(Fit previous, Series series) {
    return refit(previous.warmStart(), series);
  }

  /**
   * As {@link #refit(Fit, Series)} from state kept by a stream job.
   *
   * @throws IllegalArgumentException as {@link #fit(Form, Series)}
   */
  public Fit refit(WarmStart previous, Series series) {
    long t0 = System.nanoTime();
    Form form = Forms.byName(previous.form());
    requireEnoughPoints(form, series.size());
    Problem p = Problem.of(form, series);
    double[] warm =
        new Refiner(p)
            .refine(
                previous.internalParameters(), Math.min(options.maxIterations(), WARM_ITERATIONS))
            .theta();
    if (options.loss().robust()) {
      warm = robust(p, List.of(warm));
    }
    double warmRmsle = p.rmsle(warm);
    if (warmRmsle <= options.warmTolerance() * previous.rmsle() + 1e-4 && !degenerate(p, warm)) {
      return finish(p, canonical(form, warm), Origin.WARM_START, 0, t0);
    }
    Fit wide = fit(form, series, null, List.of(warm));
    return finish(
        p, wide.internalParameters(), Origin.WARM_START_FALLBACK, wide.startsEvaluated(), t0);
  }

  /**
   * Orders breaks by location: the BNSL product is symmetric in its breaks, so without a canonical
   * order "break 1" could name any of them.
   */
  static double[] canonical(Form form, double[] theta) {
    if (!(form instanceof Bnsl b) || b.breaks() < 2) {
      return theta;
    }
    double[] out = theta.clone();
    Integer[] order = new Integer[b.breaks()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i + 1;
    }
    java.util.Arrays.sort(
        order, java.util.Comparator.comparingDouble(i -> theta[b.indexBreak(i) + 1]));
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(theta, b.indexBreak(order[i]), out, b.indexBreak(i + 1), 3);
    }
    return out;
  }

  private int drawsFor(Form form) {
    int unit = form instanceof Bnsl b ? b.breaks() + 1 : 2;
    return options.starts() * unit * unit;
  }

  static void requireEnoughPoints(Form form, int n) {
    int k = form.parameterCount();
    if (n < k + 1) {
      throw new IllegalArgumentException(
          "fit of form "
              + form.name()
              + " needs at least "
              + (k + 1)
              + " points ("
              + k
              + " parameters + 1): got "
              + n
              + " (add points or use a form with fewer breaks)");
    }
  }

  /**
   * A break that vanished (slope change below {@link Starts#MIN_SLOPE_CHANGE}) or whose sharpness
   * or location sits at its box limit: the optimizer ran into a wall rather than finding a break.
   */
  static boolean degenerate(Problem p, double[] theta) {
    return vanishedBreak(p.form, theta) || degenerateBreak(p, theta) > 0;
  }

  /** The first break (1-based) whose sharpness or location is at its box limit, or 0. */
  static int degenerateBreak(Problem p, double[] theta) {
    if (p.form instanceof Bnsl b) {
      for (int i = 1; i <= b.breaks(); i++) {
        int k = b.indexBreak(i);
        if (p.atLimit(k + 1, theta[k + 1]) || p.atLimit(k + 2, theta[k + 2])) {
          return i;
        }
      }
    }
    return 0;
  }

  static boolean vanishedBreak(Form form, double[] theta) {
    if (form instanceof Bnsl b) {
      for (int i = 1; i <= b.breaks(); i++) {
        if (Math.abs(theta[b.indexBreak(i)]) < Starts.MIN_SLOPE_CHANGE) {
          return true;
        }
      }
    }
    return false;
  }
}
