package dev.scalewatch.jobs.run;

import dev.scalewatch.laws.fit.LrSchedule;
import dev.scalewatch.laws.fit.PlannedSchedule;
import dev.scalewatch.laws.fit.ScheduleFit;
import dev.scalewatch.laws.fit.ScheduleFitter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The schedule-aware forecast of one run's loss: Tissue et al.'s learning-rate-annealing law
 * ({@link ScheduleFitter}) fitted to the loss curve's bounded sample with the run's logged learning
 * rate (its own bounded sample, a {@link CurveState}) and, after the last logged step, the planned
 * schedule from the run's config ({@link PlannedSchedule}: form {@link #FORM}) or, without a plan,
 * the last logged learning rate held to the planned end (form {@link #FORM_HELD}, which says so).
 * Loss points before twice the learning-rate peak's step are left out ({@link
 * #FIRST_FITTED_OVER_PEAK}). Warm refits start from the previous {@code alpha}. Cost per fit
 * O(CAPACITY) plus the schedule's areas, O(planned steps). Stateless apart from the state passed
 * in.
 */
final class ScheduleForecast {

  /** Form name of a fit through the planned schedule. */
  static final String FORM = "lr_annealing";

  /** Form name of a fit that holds the last logged learning rate to the end (no plan given). */
  static final String FORM_HELD = "lr_annealing_lr_held";

  /** Metric names taken as the learning rate unless the monitor is told otherwise. */
  static final String LR_METRICS = "(?i)(.*[/.])?(lr|learning_rate|learning-rate|lr-[\\w.-]+)";

  /** A learning rate that fell below this fraction of its earlier value explains a drop. */
  static final double FELL_BELOW = 0.9;

  /** How far before a level shift's start the learning rate is compared, at least (steps). */
  static final long LAG_STEPS = 1_000;

  /**
   * Loss points before this multiple of the learning-rate peak's step are left out: there the
   * forward area is small, the law steepest, and the sampled learning rate least exact (its peak
   * may sit a sample away from the true one), so a few early points would outweigh the rest.
   */
  static final long FIRST_FITTED_OVER_PEAK = 2;

  /** Longest schedule fitted, in steps (the areas cost two arrays of this length per fit). */
  static final long MAX_STEPS = 20_000_000L;

  private ScheduleForecast() {}

  /** One fit with the points it used, the end of the forecast and its form name. */
  record Forecast(
      ScheduleFit fit, long[] steps, double[] losses, long end, String form, long durationNanos) {}

  /** Whether {@code metric} names the learning rate. */
  static boolean isLearningRate(Pattern lrPattern, String metric) {
    return lrPattern.matcher(metric).matches();
  }

  /** The lr_* keys of a run's hyperparameters, as the run state keeps them. */
  static void keepPlan(RunState st, Map<String, String> hyperparameters) {
    Map<String, String> lr = new HashMap<>();
    hyperparameters.forEach(
        (k, v) -> {
          if (k.startsWith("lr_")) {
            lr.put(k, v);
          }
        });
    st.lrPlanKeys = lr.keySet().toArray(new String[0]);
    st.lrPlanValues = new String[st.lrPlanKeys.length];
    for (int i = 0; i < st.lrPlanKeys.length; i++) {
      st.lrPlanValues[i] = lr.get(st.lrPlanKeys[i]);
    }
  }

  /**
   * The plan in the run state, null without one.
   *
   * @throws IllegalArgumentException if the plan's keys are invalid (see {@link PlannedSchedule})
   */
  static PlannedSchedule plan(RunState st) {
    if (st.lrPlanKeys == null || st.lrPlanKeys.length == 0) {
      return null;
    }
    Map<String, String> config = new HashMap<>();
    for (int i = 0; i < st.lrPlanKeys.length; i++) {
      config.put(st.lrPlanKeys[i], st.lrPlanValues[i]);
    }
    return PlannedSchedule.fromConfig(config).orElse(null);
  }

  /**
   * Whether the logged learning rate fell below {@link #FELL_BELOW} of its value before a shift
   * that started at {@code start} and was decided at {@code decided}: compared {@link #LAG_STEPS}
   * (or twice the shift's own span, if longer) before its start, since the loss follows a fall of
   * the rate with a lag (Tissue et al.'s annealing momentum, about 1,000 steps at its default
   * decay). A rate that fell long before the shift does not explain it.
   */
  static boolean fellBefore(CurveState lr, long start, long decided) {
    if (lr == null || lr.size < 2) {
      return false;
    }
    long from = start - Math.max(LAG_STEPS, 2 * (decided - start));
    double before = at(lr, from);
    double after = decided >= lr.steps[lr.size - 1] ? lr.lastValue : at(lr, decided);
    return before > 0 && after < FELL_BELOW * before;
  }

  /** The sampled learning rate at {@code step}: linear between samples, constant beyond them. */
  private static double at(CurveState lr, long step) {
    if (step <= lr.steps[0]) {
      return lr.values[0];
    }
    for (int i = 1; i < lr.size; i++) {
      if (step <= lr.steps[i]) {
        double t = (step - lr.steps[i - 1]) / (lr.steps[i] - lr.steps[i - 1]);
        return lr.values[i - 1] + t * (lr.values[i] - lr.values[i - 1]);
      }
    }
    return lr.values[lr.size - 1];
  }

  /**
   * Fits the loss sample {@code loss} under the learning rate {@code lr} and {@code plan} (null:
   * hold the last logged rate to {@code plannedSteps}, or to the last loss step when 0); null when
   * there is too little to fit (fewer than 2 learning-rate points, fewer than 5 loss points after
   * the learning-rate peak). Keeps the fit's {@code alpha} in {@code loss} for the next refit.
   *
   * @throws IllegalArgumentException if the schedule or the fit cannot be built (its message says
   *     why)
   */
  static Forecast fit(
      CurveState loss, CurveState lr, PlannedSchedule plan, double plannedSteps, ScheduleFitter f) {
    if (lr == null || lr.size < 2 || loss.size < LearningCurve.MIN_POINTS) {
      return null;
    }
    long[] lrSteps = new long[lr.size];
    for (int i = 0; i < lr.size; i++) {
      lrSteps[i] = (long) lr.steps[i];
    }
    double[] lrs = Arrays.copyOf(lr.values, lr.size);
    long lastLoss = (long) loss.steps[loss.size - 1];
    long end =
        plan != null
            ? plan.totalSteps()
            : Math.max(lastLoss, Math.round(Math.max(plannedSteps, 0)));
    end = Math.max(end, lastLoss);
    if (end > MAX_STEPS) {
      throw new IllegalArgumentException(
          "lr_annealing forecasts runs up to " + MAX_STEPS + " steps: planned end " + end);
    }
    LrSchedule schedule =
        plan != null ? plan.after(lrSteps, lrs) : PlannedSchedule.held(lrSteps, lrs, end);
    long first = Math.max(schedule.peakStep() + 1, FIRST_FITTED_OVER_PEAK * schedule.peakStep());
    int n = 0;
    for (int i = 0; i < loss.size; i++) {
      n += loss.steps[i] >= first && loss.steps[i] <= schedule.lastStep() ? 1 : 0;
    }
    if (n < 5) {
      return null;
    }
    long[] steps = new long[n];
    double[] values = new double[n];
    int k = 0;
    for (int i = 0; i < loss.size; i++) {
      if (loss.steps[i] >= first && loss.steps[i] <= schedule.lastStep()) {
        steps[k] = (long) loss.steps[i];
        values[k++] = loss.values[i];
      }
    }
    long started = System.nanoTime();
    ScheduleFit fit = f.refit(steps, values, schedule, loss.scheduleAlpha);
    loss.scheduleAlpha = fit.alpha();
    return new Forecast(
        fit,
        steps,
        values,
        schedule.lastStep(),
        plan != null ? FORM : FORM_HELD,
        System.nanoTime() - started);
  }
}
