package dev.scalewatch.jobs.run;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.fit.WarmStart;
import dev.scalewatch.laws.form.Bnsl;
import java.util.Arrays;

/**
 * The learning curve of one run's loss against steps: a power law with a floor {@code L(s) = a + b
 * s^-c0} fitted to a bounded sample ({@link CurveState}), warm-started from the previous fit. Cost
 * per point O(1); per fit O(CAPACITY). Stateless apart from the state passed in.
 */
final class LearningCurve {

  /** Most points kept per curve. */
  static final int CAPACITY = 128;

  /** Fewest points before a fit is tried (4 parameters + 2 spare). */
  static final int MIN_POINTS = 6;

  private LearningCurve() {}

  /** Adds a point (steps > 0 and finite positive values only); returns whether it was kept. */
  static boolean add(CurveState c, long step, double value) {
    if (step <= 0 || !(value > 0) || !Double.isFinite(value)) {
      return false;
    }
    c.seen++;
    if ((c.seen - 1) % c.stride != 0) {
      return false;
    }
    if (c.size == c.steps.length) {
      if (c.size == CAPACITY) {
        halve(c);
      } else {
        int grown = Math.min(CAPACITY, Math.max(16, 2 * c.size));
        c.steps = Arrays.copyOf(c.steps, grown);
        c.values = Arrays.copyOf(c.values, grown);
      }
    }
    c.steps[c.size] = step;
    c.values[c.size] = value;
    c.size++;
    c.dirty = true;
    return true;
  }

  private static void halve(CurveState c) {
    int kept = 0;
    for (int i = 0; i < c.size; i += 2) {
      c.steps[kept] = c.steps[i];
      c.values[kept] = c.values[i];
      kept++;
    }
    c.size = kept;
    c.stride *= 2;
  }

  /** Fits the curve, warm when a previous fit exists; null when there are too few points. */
  static Fit fit(CurveState c, Fitter fitter) {
    if (c.size < MIN_POINTS) {
      return null;
    }
    Series series = Series.of(Arrays.copyOf(c.steps, c.size), Arrays.copyOf(c.values, c.size));
    Fit fit =
        c.warmForm == null
            ? fitter.fit(Bnsl.powerLawWithFloor(), series)
            : fitter.refit(new WarmStart(c.warmForm, c.warmVector, c.warmRmsle), series);
    WarmStart warm = fit.warmStart();
    c.warmForm = warm.form();
    c.warmVector = warm.internalParameters();
    c.warmRmsle = warm.rmsle();
    c.dirty = false;
    return fit;
  }
}
