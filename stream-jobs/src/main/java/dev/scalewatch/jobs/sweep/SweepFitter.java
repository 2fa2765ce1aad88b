package dev.scalewatch.jobs.sweep;

import dev.scalewatch.jobs.alert.AlertBook;
import dev.scalewatch.jobs.fit.FitRecords;
import dev.scalewatch.jobs.fit.SigmoidLaw;
import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.fit.Selector;
import dev.scalewatch.laws.fit.WarmStart;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.FitScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by sweep (project, family, task, metric, axis): keeps each run's latest point and refits
 * the sweep's law, coalesced with processing-time timers so a key refits at most once per {@code
 * coalesceMillis} however fast evals arrive (no event-time window, so no point is ever too late to
 * count). A refit is warm ({@link Fitter#refit}, which falls back to a wide search of the same form
 * when the warm start stops explaining the points) until {@code reselectEvery} refits have passed
 * or the previous law broke; then the number of breaks is chosen anew ({@link Selector}). After
 * {@code settleMillis} without new points a key whose last fit was warm gets a full selection, so
 * its final fit depends only on its final points, not on how they were batched.
 *
 * <p>A bounded score ({@link Orientation}: higher is better, bound 1 or 100) with {@link
 * SigmoidLaw#MIN_POINTS} to {@link SigmoidLaw#MAX_POINTS} points on a cross-run axis also gets a
 * sigmoid in ln x, refitted in full each time (a few to 40 ms); it is the published law when it
 * fits at least as well in score units ({@link SigmoidLaw#betterThan}), and the law-broken and
 * forecast-miss checks then use its band.
 *
 * <p>Emits a {@code Fit} record when the law changes materially, and on the {@link #ALERTS} side
 * output: EMERGENCE (a score near its floor that jumps between two sizes; on the {@code params}
 * axis only, so one task raises one alert), FORECAST_MISS (a run on the worse side of its sweep's
 * band, on the {@code params} axis), LAW_BROKEN (most points beyond the previous fit's range
 * outside its band by more than {@link SweepAlerts#MIN_LOG_DEVIATION}) and PREDICTED_INFLECTION (a
 * significant break, slope change at least {@link SweepAlerts#MIN_SLOPE_CHANGE}, with points past
 * its onset whose transition ends beyond the largest x seen). A series whose law cannot be fitted
 * (too few points, a degenerate series) gets no fit; the reason is counted ({@code fitsSkipped})
 * and logged at debug.
 */
public final class SweepFitter
    extends KeyedProcessFunction<String, SweepPoint, dev.scalewatch.schemas.Fit> {

  /** Alerts raised by sweep fits. */
  public static final OutputTag<Alert> ALERTS =
      new OutputTag<>("sweep-alerts", TypeInformation.of(Alert.class));

  private static final Logger log = LoggerFactory.getLogger(SweepFitter.class);

  /** Fewest points of a sweep across runs before a law is fitted (sizes are few and costly). */
  static final int MIN_POINTS = 3;

  /**
   * Fewest points of one run's eval series over steps before a law is fitted: a learning curve of
   * three evals says little, and there is one such series per run and task.
   */
  static final int MIN_POINTS_STEPS = 6;

  private static final double BAND_DECADES = 1;
  private static final double TARGET_DECADES = 3;
  private static final double MATERIAL_CHANGE = 1e-3;

  private final long coalesceMillis;
  private final long settleMillis;
  private final int reselectEvery;
  private final HashMap<String, Double> targets;

  private transient MapState<String, SweepPoint> points;
  private transient ValueState<SweepState> state;
  private transient SweepAlerts sweepAlerts;
  private transient Map<String, Fit> lastFits;
  private transient Map<String, SigmoidLaw> lastSigmoids;
  private transient Counter sigmoidFits;
  private transient Fitter fitter;
  private transient Selector selector;
  private transient Counter latePoints;
  private transient Counter refits;
  private transient Counter selections;
  private transient Counter skipped;

  /**
   * A fitter.
   *
   * @param targets target values by task or metric name; each fit of that task (or metric) carries
   *     the x needed to reach it
   */
  public SweepFitter(
      long coalesceMillis, long settleMillis, int reselectEvery, HashMap<String, Double> targets) {
    this.coalesceMillis = coalesceMillis;
    this.settleMillis = settleMillis;
    this.reselectEvery = reselectEvery;
    this.targets = targets;
  }

  @Override
  public void open(OpenContext context) {
    var rc = getRuntimeContext();
    points =
        rc.getMapState(
            new MapStateDescriptor<>("points", Types.STRING, TypeInformation.of(SweepPoint.class)));
    state = rc.getState(new ValueStateDescriptor<>("sweep", TypeInformation.of(SweepState.class)));
    sweepAlerts = new SweepAlerts(new AlertBook(rc.getMapState(AlertBook.descriptor())));
    lastFits = new HashMap<>();
    lastSigmoids = new HashMap<>();
    fitter = new Fitter();
    selector = new Selector();
    var metrics = rc.getMetricGroup();
    latePoints = metrics.counter("latePoints");
    refits = metrics.counter("refits");
    selections = metrics.counter("selections");
    skipped = metrics.counter("fitsSkipped");
    sigmoidFits = metrics.counter("sigmoidFits");
  }

  @Override
  public void processElement(
      SweepPoint point, Context ctx, Collector<dev.scalewatch.schemas.Fit> out) throws Exception {
    if (ctx.timestamp() != null && ctx.timestamp() < ctx.timerService().currentWatermark()) {
      latePoints.inc();
    }
    SweepPoint existing = points.get(point.pointId);
    SweepState st = stateOrNew();
    if (existing == null || point.step >= existing.step) {
      points.put(point.pointId, point);
      st.newestEventTime = Math.max(st.newestEventTime, point.eventTime);
      if (st.refitAt == 0) {
        st.refitAt = ctx.timerService().currentProcessingTime() + coalesceMillis;
        ctx.timerService().registerProcessingTimeTimer(st.refitAt);
      }
    }
    state.update(st);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<dev.scalewatch.schemas.Fit> out)
      throws Exception {
    SweepState st = stateOrNew();
    boolean settle = timestamp == st.settleAt && timestamp != st.refitAt;
    if (timestamp == st.refitAt) {
      st.refitAt = 0;
    }
    if (timestamp == st.settleAt) {
      st.settleAt = 0;
    }
    if (settle && st.lastWasSelection) {
      state.update(st);
      return;
    }
    refit(ctx, st, settle, out);
    if (!settle) {
      if (st.settleAt != 0) {
        ctx.timerService().deleteProcessingTimeTimer(st.settleAt);
      }
      st.settleAt = ctx.timerService().currentProcessingTime() + settleMillis;
      ctx.timerService().registerProcessingTimeTimer(st.settleAt);
    }
    state.update(st);
  }

  private void refit(
      OnTimerContext ctx,
      SweepState st,
      boolean fullSelection,
      Collector<dev.scalewatch.schemas.Fit> out)
      throws Exception {
    Consumer<Alert> toAlerts = a -> ctx.output(ALERTS, a);
    List<SweepPoint> sorted = new ArrayList<>();
    for (SweepPoint p : points.values()) {
      sorted.add(p);
    }
    if (sorted.isEmpty()) {
      return;
    }
    sorted.sort(Comparator.comparingDouble((SweepPoint p) -> p.x).thenComparing(p -> p.pointId));
    SweepPoint first = sorted.get(0);
    double maxY = sorted.stream().mapToDouble(p -> p.y).max().orElse(Double.NaN);
    Metric metric = Orientation.of(first.metric, maxY);
    String key = ctx.getCurrentKey();

    if ("params".equals(first.axis) && metric.direction() == Metric.Direction.HIGHER_IS_BETTER) {
      sweepAlerts.checkEmergence(key, sorted, metric, st, toAlerts);
    }

    List<SweepPoint> usable = new ArrayList<>();
    for (SweepPoint p : sorted) {
      double fitted = metric.toFitted(p.y);
      if (fitted > 0 && Double.isFinite(fitted)) {
        usable.add(p);
      }
    }
    int minPoints = "steps".equals(first.axis) ? MIN_POINTS_STEPS : MIN_POINTS;
    if (usable.size() < minPoints) {
      skip(key, "fewer than " + minPoints + " usable points: " + usable.size());
      return;
    }
    double[] xs = usable.stream().mapToDouble(p -> p.x).toArray();
    double[] ys = usable.stream().mapToDouble(p -> metric.toFitted(p.y)).toArray();
    Series series = Series.of(xs, ys);

    double[] scoreXs = sorted.stream().mapToDouble(p -> p.x).toArray();
    double[] scores = sorted.stream().mapToDouble(p -> p.y).toArray();
    boolean sigmoidApplies = SigmoidLaw.appliesTo(metric, first.axis, sorted.size());
    boolean broken;
    if (st.sigmoidPublished && sigmoidApplies) {
      SigmoidLaw previous = previousSigmoid(key, st, scoreXs, scores, metric);
      broken =
          previous != null && sweepAlerts.checkSigmoidBroken(key, previous, sorted, st, toAlerts);
    } else {
      Fit previous = previousFit(key, st, usable, metric);
      broken =
          previous != null
              && sweepAlerts.checkLawBroken(key, previous, usable, metric, st, toAlerts);
    }

    Fit fit;
    try {
      fit = fitOrSelect(st, series, fullSelection || broken);
    } catch (RuntimeException e) {
      skip(key, e.getMessage());
      return;
    }
    lastFits.put(key, fit);
    SigmoidLaw sigmoid = sigmoidApplies ? betterSigmoid(key, scoreXs, scores, fit, metric) : null;
    st.sigmoidPublished = sigmoid != null;
    FitRecords.Subject subject =
        new FitRecords.Subject(
            FitScope.SWEEP, key, first.project, first.runId, first.task, first.metric, first.axis);
    if (sigmoid != null) {
      lastSigmoids.put(key, sigmoid);
      st.fittedXMax = sigmoid.fit().xMax();
      double[] values = sigmoid.parameters().stream().mapToDouble(p -> p.value()).toArray();
      if (materiallyChanged(
          st,
          SigmoidLaw.FORM,
          sigmoid.fit().points(),
          values,
          fullSelection ? 0 : MATERIAL_CHANGE)) {
        recordEmitted(st, SigmoidLaw.FORM, sigmoid.fit().points(), values);
        out.collect(
            FitRecords.toRecord(
                subject,
                sigmoid,
                sigmoid.fit().xMax() * Math.pow(10, BAND_DECADES),
                st.sequence,
                st.newestEventTime));
      }
      if ("params".equals(first.axis)) {
        sweepAlerts.checkSigmoidMisses(key, sigmoid, sorted, st, toAlerts);
      }
      return;
    }
    lastSigmoids.remove(key);
    st.fittedXMax = fit.xMax();
    double[] values = fit.parameters().stream().mapToDouble(p -> p.value()).toArray();
    // A settle's selection is emitted on any change, so the last record is the settled law.
    if (materiallyChanged(
        st, fit.form().name(), fit.points(), values, fullSelection ? 0 : MATERIAL_CHANGE)) {
      recordEmitted(st, fit.form().name(), fit.points(), values);
      var record =
          FitRecords.toRecord(
              subject,
              fit,
              metric,
              fit.xMax() * Math.pow(10, BAND_DECADES),
              st.sequence,
              st.newestEventTime,
              null);
      Double target = targets.getOrDefault(first.task, targets.get(first.metric));
      if (target != null) {
        record.setTargets(List.of(FitRecords.target(fit, metric, target, TARGET_DECADES)));
      }
      out.collect(record);
    }
    sweepAlerts.checkInflections(key, fit, usable, st, toAlerts);
    if ("params".equals(first.axis)) {
      sweepAlerts.checkForecastMisses(key, fit, usable, metric, st, toAlerts);
    }
  }

  /**
   * The last fit of this key: from the cache, or after a restart (the cache is not state) rebuilt
   * by a warm refit of the stored optimum on the points it saw, so the law-broken check survives a
   * restore.
   */
  private Fit previousFit(String key, SweepState st, List<SweepPoint> usable, Metric metric) {
    Fit cached = lastFits.get(key);
    if (cached != null || st.warmForm == null) {
      return cached;
    }
    List<SweepPoint> seen = usable.stream().filter(p -> p.x <= st.fittedXMax).toList();
    try {
      Fit rebuilt =
          fitter.refit(
              new WarmStart(st.warmForm, st.warmVector, st.warmRmsle),
              Series.of(
                  seen.stream().mapToDouble(p -> p.x).toArray(),
                  seen.stream().mapToDouble(p -> metric.toFitted(p.y)).toArray()));
      lastFits.put(key, rebuilt);
      return rebuilt;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Fit fitOrSelect(SweepState st, Series series, boolean fullSelection) {
    if (!fullSelection && st.warmForm != null && st.refitsSinceSelection < reselectEvery) {
      // Fitter.refit falls back to the wide search of the same form when the warm start no
      // longer explains the points; that result stands until the next selection.
      Fit refitted = fitter.refit(new WarmStart(st.warmForm, st.warmVector, st.warmRmsle), series);
      refits.inc();
      remember(st, refitted, false);
      return refitted;
    }
    selections.inc();
    Fit selected = selector.select(series).fit();
    remember(st, selected, true);
    return selected;
  }

  private static void remember(SweepState st, Fit fit, boolean selection) {
    WarmStart warm = fit.warmStart();
    st.warmForm = warm.form();
    st.warmVector = warm.internalParameters();
    st.warmRmsle = warm.rmsle();
    st.lastWasSelection = selection;
    st.refitsSinceSelection = selection ? 0 : st.refitsSinceSelection + 1;
  }

  /**
   * The sigmoid of a bounded score when it is the better law than {@code fit} ({@link
   * SigmoidLaw#betterThan}); null when it is not or cannot be fitted.
   */
  private SigmoidLaw betterSigmoid(
      String key, double[] xs, double[] scores, Fit fit, Metric metric) {
    try {
      SigmoidLaw law = SigmoidLaw.fit(xs, scores, metric.bound());
      sigmoidFits.inc();
      return law.betterThan(fit, metric) ? law : null;
    } catch (IllegalArgumentException e) {
      log.debug("No sigmoid for {}: {}", key, e.getMessage());
      return null;
    }
  }

  /**
   * The last sigmoid law of this key: from the cache, or after a restart refitted on the points it
   * saw (the fit is deterministic), so the law-broken check survives a restore.
   */
  private SigmoidLaw previousSigmoid(
      String key, SweepState st, double[] xs, double[] scores, Metric metric) {
    SigmoidLaw cached = lastSigmoids.get(key);
    if (cached != null) {
      return cached;
    }
    int seen = 0;
    while (seen < xs.length && xs[seen] <= st.fittedXMax) {
      seen++;
    }
    try {
      SigmoidLaw rebuilt =
          SigmoidLaw.fit(
              java.util.Arrays.copyOf(xs, seen),
              java.util.Arrays.copyOf(scores, seen),
              metric.bound());
      lastSigmoids.put(key, rebuilt);
      return rebuilt;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void recordEmitted(SweepState st, String form, int points, double[] values) {
    st.sequence++;
    st.emittedForm = form;
    st.emittedPoints = points;
    st.emittedParameters = values;
  }

  private static boolean materiallyChanged(
      SweepState st, String form, int points, double[] values, double tolerance) {
    if (st.emittedParameters == null
        || !form.equals(st.emittedForm)
        || points != st.emittedPoints
        || values.length != st.emittedParameters.length) {
      return true;
    }
    for (int i = 0; i < values.length; i++) {
      double before = st.emittedParameters[i];
      double now = values[i];
      if (Math.abs(now - before) > tolerance * Math.max(Math.abs(before), 1e-12)) {
        return true;
      }
    }
    return false;
  }

  private void skip(String key, String reason) {
    skipped.inc();
    log.debug("No fit for {}: {}", key, reason);
  }

  private SweepState stateOrNew() throws Exception {
    SweepState st = state.value();
    return st == null ? new SweepState() : st;
  }
}
