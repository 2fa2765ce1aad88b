package dev.scalewatch.jobs.sweep;

import dev.scalewatch.jobs.alert.AlertBook;
import dev.scalewatch.jobs.alert.Alerts;
import dev.scalewatch.jobs.fit.FitRecords;
import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.detect.Emergence;
import dev.scalewatch.laws.detect.EmergenceDetector;
import dev.scalewatch.laws.detect.InflectionForecast;
import dev.scalewatch.laws.detect.InflectionForecaster;
import dev.scalewatch.laws.detect.LawBreak;
import dev.scalewatch.laws.detect.LawBreakDetector;
import dev.scalewatch.laws.detect.Transition;
import dev.scalewatch.laws.detect.TransitionDetector;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.fit.Selector;
import dev.scalewatch.laws.fit.WarmStart;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 * <p>Emits a {@code Fit} record when the law changes materially, and on the {@link #ALERTS} side
 * output: EMERGENCE (a score near its floor that jumps between two sizes; on the {@code params}
 * axis only, so one task raises one alert), FORECAST_MISS (a run on the worse side of its sweep's
 * band, on the {@code params} axis), LAW_BROKEN (most points beyond the previous fit's range
 * outside its band by more than {@link #MIN_LOG_DEVIATION}) and PREDICTED_INFLECTION (a significant
 * break, slope change at least {@link #MIN_SLOPE_CHANGE}, with points past its onset whose
 * transition ends beyond the largest x seen). A series whose law cannot be fitted (too few points,
 * a degenerate series) gets no fit; the reason is counted ({@code fitsSkipped}) and logged at
 * debug.
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

  /**
   * Smallest change of log-log slope for a break to be forecast: a search can place an inert break
   * (slope change ~0.002) that is formally significant on noiseless data but says nothing.
   */
  static final double MIN_SLOPE_CHANGE = 0.05;

  /**
   * Smallest deviation (natural log, about 1%) for a point to count as breaking the law: on
   * noiseless data the band shrinks to rounding error and would flag every point.
   */
  static final double MIN_LOG_DEVIATION = 0.01;

  private final long coalesceMillis;
  private final long settleMillis;
  private final int reselectEvery;
  private final HashMap<String, Double> targets;

  private transient MapState<String, SweepPoint> points;
  private transient ValueState<SweepState> state;
  private transient AlertBook alerts;
  private transient Map<String, Fit> lastFits;
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
    alerts = new AlertBook(rc.getMapState(AlertBook.descriptor()));
    lastFits = new HashMap<>();
    fitter = new Fitter();
    selector = new Selector();
    var metrics = rc.getMetricGroup();
    latePoints = metrics.counter("latePoints");
    refits = metrics.counter("refits");
    selections = metrics.counter("selections");
    skipped = metrics.counter("fitsSkipped");
  }

  @Override
  public void processElement(
      SweepPoint point, Context ctx, Collector<dev.scalewatch.schemas.Fit> out) throws Exception {
    if (ctx.timestamp() != null && ctx.timestamp() < ctx.timerService().currentWatermark()) {
      latePoints.inc();
    }
    SweepPoint existing = points.get(point.pointId);
    SweepState st = stateOrNew();
    st.received++;
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
      checkEmergence(key, sorted, metric, st, ctx);
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

    Fit previous = previousFit(key, st, usable, metric);
    boolean broken = previous != null && checkLawBroken(key, previous, usable, metric, st, ctx);

    Fit fit;
    try {
      fit = fitOrSelect(st, series, fullSelection || broken);
    } catch (RuntimeException e) {
      skip(key, e.getMessage());
      return;
    }
    lastFits.put(key, fit);
    st.fittedXMax = fit.xMax();
    // A settle's selection is emitted on any change, so the last record is the settled law.
    if (materiallyChanged(st, fit, fullSelection ? 0 : MATERIAL_CHANGE)) {
      st.sequence++;
      st.emittedForm = fit.form().name();
      st.emittedPoints = fit.points();
      st.emittedParameters = fit.parameters().stream().mapToDouble(p -> p.value()).toArray();
      FitRecords.Subject subject =
          new FitRecords.Subject(
              FitScope.SWEEP,
              key,
              first.project,
              first.runId,
              first.task,
              first.metric,
              first.axis);
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
    checkInflections(key, fit, usable, st, ctx);
    if ("params".equals(first.axis)) {
      checkForecastMisses(key, fit, usable, metric, st, ctx);
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

  private static boolean materiallyChanged(SweepState st, Fit fit, double tolerance) {
    if (st.emittedParameters == null
        || !fit.form().name().equals(st.emittedForm)
        || fit.points() != st.emittedPoints) {
      return true;
    }
    var params = fit.parameters();
    for (int i = 0; i < params.size(); i++) {
      double before = st.emittedParameters[i];
      double now = params.get(i).value();
      if (Math.abs(now - before) > tolerance * Math.max(Math.abs(before), 1e-12)) {
        return true;
      }
    }
    return false;
  }

  private void checkEmergence(
      String key, List<SweepPoint> sorted, Metric metric, SweepState st, OnTimerContext ctx)
      throws Exception {
    double[] xs = sorted.stream().mapToDouble(p -> p.x).toArray();
    double[] ys = sorted.stream().mapToDouble(p -> p.y).toArray();
    Emergence e = EmergenceDetector.forBound(metric.bound()).detect(xs, ys);
    String id = "emergence/" + key;
    SweepPoint first = sorted.get(0);
    if (e.emergent()) {
      String summary =
          String.format(
              Locale.ROOT,
              "%s %s of %s jumps by %s between %s and %s parameters",
              first.task,
              first.metric,
              first.family,
              Alerts.num(e.jump()),
              Alerts.num(e.xBefore()),
              Alerts.num(e.xAfter()));
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.EMERGENCE,
                  Severity.WARNING,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  summary,
                  e.reason() + "; points (x, y): " + pointsText(sorted),
                  st.newestEventTime)
              .setXAxis(first.axis)
              .setPredictedX(e.xAfter())
              .setPredictedXInterval(Alerts.interval(e.xBefore(), e.xAfter(), 1.0))
              .build(),
          a -> ctx.output(ALERTS, a));
    } else {
      alerts.resolve(
          id, st.newestEventTime, "no longer emergent: " + e.reason(), a -> ctx.output(ALERTS, a));
    }
  }

  private boolean checkLawBroken(
      String key,
      Fit previous,
      List<SweepPoint> usable,
      Metric metric,
      SweepState st,
      OnTimerContext ctx)
      throws Exception {
    List<SweepPoint> beyond =
        usable.stream().filter(p -> p.x > previous.xMax() * (1 + 1e-9)).toList();
    String id = "law-broken/" + key;
    if (beyond.isEmpty()) {
      return false;
    }
    Series fresh =
        Series.of(
            beyond.stream().mapToDouble(p -> p.x).toArray(),
            beyond.stream().mapToDouble(p -> metric.toFitted(p.y)).toArray());
    LawBreak check = LawBreakDetector.check(previous, fresh, 1);
    long outside =
        check.deviations().stream()
            .filter(d -> d.outside() && Math.abs(d.logResidual()) > MIN_LOG_DEVIATION)
            .count();
    SweepPoint first = usable.get(0);
    if (2 * outside >= beyond.size() && outside > 0) {
      StringBuilder evidence =
          new StringBuilder("fit ").append(key).append(" #").append(st.sequence).append(": ");
      for (var d : check.deviations()) {
        evidence.append(
            String.format(
                Locale.ROOT,
                "x=%s observed %s band [%s, %s]%s; ",
                Alerts.num(d.x()),
                Alerts.num(metric.toObserved(d.observed())),
                Alerts.num(metric.toObserved(d.band().lower())),
                Alerts.num(metric.toObserved(d.band().upper())),
                d.outside() && Math.abs(d.logResidual()) > MIN_LOG_DEVIATION ? " OUTSIDE" : ""));
      }
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.LAW_BROKEN,
                  Severity.WARNING,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  String.format(
                      Locale.ROOT,
                      "%s %s of %s: %d of %d new points outside the law's %.0f%% band",
                      first.task,
                      first.metric,
                      first.family,
                      outside,
                      check.deviations().size(),
                      100 * check.level()),
                  evidence.toString(),
                  st.newestEventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(first.axis)
              .build(),
          a -> ctx.output(ALERTS, a));
      return true;
    }
    alerts.resolve(
        id, st.newestEventTime, "new points inside the band", a -> ctx.output(ALERTS, a));
    return false;
  }

  /**
   * FORECAST_MISS for each run whose point lies on the worse side of the sweep law's prediction
   * band (by more than {@link #MIN_LOG_DEVIATION}): a run heading above the law of its sweep (with
   * {@code --sweep-point step:N}, compared at the same point of training). Resolved when a later
   * point of the run is back inside.
   */
  private void checkForecastMisses(
      String key,
      Fit fit,
      List<SweepPoint> usable,
      Metric metric,
      SweepState st,
      OnTimerContext ctx)
      throws Exception {
    for (SweepPoint p : usable) {
      String id = "forecast-miss/" + key + "/" + p.pointId;
      var band = fit.band(p.x);
      double fitted = metric.toFitted(p.y);
      boolean worse = fitted > band.upper() && Math.log(fitted / band.y()) > MIN_LOG_DEVIATION;
      if (!worse) {
        alerts.resolve(id, p.eventTime, "back inside the sweep's band", a -> ctx.output(ALERTS, a));
        continue;
      }
      String run = p.pointId.substring(p.pointId.indexOf('/') + 1);
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.FORECAST_MISS,
                  Severity.WARNING,
                  p.project,
                  p.family,
                  p.task,
                  p.metric,
                  String.format(
                      Locale.ROOT,
                      "run %s misses its sweep's law: %s %s at step %d, law predicts %s [%s, %s]",
                      run,
                      p.metric,
                      Alerts.num(p.y),
                      p.step,
                      Alerts.num(metric.toObserved(band.y())),
                      Alerts.num(metric.toObserved(Math.min(band.lower(), band.upper()))),
                      Alerts.num(metric.toObserved(Math.max(band.lower(), band.upper())))),
                  String.format(
                      Locale.ROOT,
                      "x=%s; fit %s #%d over %d runs",
                      Alerts.num(p.x),
                      key,
                      st.sequence,
                      usable.size()),
                  p.eventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(p.axis)
              .build(),
          a -> ctx.output(ALERTS, a));
    }
  }

  private void checkInflections(
      String key, Fit fit, List<SweepPoint> usable, SweepState st, OnTimerContext ctx)
      throws Exception {
    double[] xs = usable.stream().mapToDouble(p -> p.x).toArray();
    SweepPoint first = usable.get(0);
    String prefix = "inflection/" + key + "/";
    Set<Integer> underway = new HashSet<>();
    for (Transition t : TransitionDetector.detect(fit, xs)) {
      if (t.phase() == Transition.Phase.UNDERWAY
          && t.significant()
          && Math.abs(t.slopeChange().value()) >= MIN_SLOPE_CHANGE) {
        underway.add(t.index());
      }
    }
    for (InflectionForecast f : InflectionForecaster.forecast(fit, xs)) {
      if (!f.restsOnEvidence() || !underway.contains(f.index())) {
        continue;
      }
      String summary =
          String.format(
              Locale.ROOT,
              "%s %s of %s: transition %d underway, completes near %s=%s [%s, %s]%s",
              first.task,
              first.metric,
              first.family,
              f.index(),
              first.axis,
              Alerts.num(f.end().value()),
              Alerts.num(f.end().lower()),
              Alerts.num(f.end().upper()),
              eta(usable, f));
      alerts.fire(
          Alerts.aboutSweep(
                  prefix + f.index(),
                  AlertKind.PREDICTED_INFLECTION,
                  Severity.INFO,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  summary,
                  String.format(
                      Locale.ROOT,
                      "break %d at %s [%s, %s]; largest x seen %s; fit %s #%d",
                      f.index(),
                      Alerts.num(f.location().value()),
                      Alerts.num(f.location().lower()),
                      Alerts.num(f.location().upper()),
                      Alerts.num(f.largestXSeen()),
                      key,
                      st.sequence),
                  st.newestEventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(first.axis)
              .setPredictedX(f.end().value())
              .setPredictedXInterval(Alerts.interval(f.end().lower(), f.end().upper(), fit.level()))
              .build(),
          a -> ctx.output(ALERTS, a));
    }
    for (int i = 1; i <= 3; i++) {
      String id = prefix + i;
      if (alerts.isFiring(id) && stillAhead(fit, xs, i)) {
        continue;
      }
      alerts.resolve(
          id,
          st.newestEventTime,
          "points reached x=" + Alerts.num(fit.xMax()) + " past the predicted end",
          a -> ctx.output(ALERTS, a));
    }
  }

  private static boolean stillAhead(Fit fit, double[] xs, int index) {
    return InflectionForecaster.forecast(fit, xs).stream().anyMatch(f -> f.index() == index);
  }

  /** "; about N h at the current rate" for the steps axis, where the series shows its pace. */
  private static String eta(List<SweepPoint> usable, InflectionForecast f) {
    SweepPoint a = usable.get(0);
    SweepPoint b = usable.get(usable.size() - 1);
    if (!"steps".equals(a.axis) || b.eventTime <= a.eventTime || b.x <= a.x) {
      return "";
    }
    double perHour = (b.x - a.x) / ((b.eventTime - a.eventTime) / 3.6e6);
    return String.format(Locale.ROOT, "; about %.1f h at the current rate", f.hoursToEnd(perHour));
  }

  private static String pointsText(List<SweepPoint> sorted) {
    StringBuilder s = new StringBuilder();
    for (SweepPoint p : sorted) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append('(').append(Alerts.num(p.x)).append(", ").append(Alerts.num(p.y)).append(')');
    }
    return s.toString();
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
