package dev.scalewatch.jobs.run;

import dev.scalewatch.jobs.alert.AlertBook;
import dev.scalewatch.jobs.alert.Alerts;
import dev.scalewatch.jobs.fit.FitRecords;
import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.fit.PlannedSchedule;
import dev.scalewatch.laws.fit.ScheduleFitter;
import dev.scalewatch.laws.run.LossWatch;
import dev.scalewatch.laws.run.LossWatchState;
import dev.scalewatch.laws.run.RunEvent;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Severity;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by run ({@code project/run_id}, as the normalizer keys the metrics: no re-keying): watches
 * every loss-like metric point by point and the run's liveness, and fits its learning curve.
 *
 * <ul>
 *   <li>Each point of a metric matching {@code lossMetrics} goes to {@link LossWatch} (bounded
 *       state and O(window) cost per point however long the run): SPIKE fires LOSS_SPIKE and
 *       SPIKE_RECOVERED resolves it; a BLIP raises nothing (counted); NON_FINITE or SUSTAINED_RISE
 *       fires DIVERGENCE and resolves the metric's open spikes (divergence supersedes them; the
 *       watch reports no further spikes); LEVEL_SHIFT and PLATEAU fire their kinds, PLATEAU_ENDED
 *       resolves the plateau.
 *   <li>Stall: a processing-time timer {@code stallGapMillis} after the newest point of the run
 *       (one timer per gap: when it fires early because points came since, it is set again from the
 *       newest arrival). Event time cannot see a silent run (it sends nothing that would move a
 *       watermark), processing time does, even when nothing else arrives anywhere. The next point
 *       resolves the stall; a run record that says the run ended cancels the timer.
 *   <li>Learning curve: loss against steps, refitted at most once per {@code fitIntervalMillis}
 *       (warm), emitted on {@link #FITS} with its band up to the run's planned steps (planned
 *       tokens / tokens per step) when both are known: the forecast of the final loss.
 *   <li>Schedule-aware forecast: when the run logs its learning rate (the first metric matching
 *       {@code lrMetrics}, kept as a bounded sample like a curve), each loss curve is also fitted
 *       with Tissue et al.'s learning-rate-annealing law through the logged rate and the planned
 *       schedule of the run's {@code lr_*} hyperparameters ({@link PlannedSchedule}), and emitted
 *       on {@link #FITS} under the curve's key plus {@code /lr_annealing} (form {@code
 *       lr_annealing}, or {@code lr_annealing_lr_held} without a plan: the last logged rate held to
 *       the planned end); see {@link ScheduleForecast}.
 *   <li>A downward LEVEL_SHIFT that follows a fall of the logged learning rate to below 90% of its
 *       value 1,000 steps before the shift (a step schedule's drop, a warm-down) is the schedule's
 *       doing: counted ({@code shiftsExplainedBySchedule}), not raised; see {@link
 *       ScheduleForecast#fellBefore}. Runs that log no learning rate are judged as before.
 * </ul>
 *
 * <p>Alerts go to the main output. A point older than the watermark is late: used all the same and
 * counted ({@code latePoints}); a point at a step not after the last one is ignored by the watch
 * (its own rule).
 */
public final class RunMonitor extends KeyedCoProcessFunction<String, MetricPoint, Run, Alert> {

  /** Learning-curve fits. */
  public static final OutputTag<dev.scalewatch.schemas.Fit> FITS =
      new OutputTag<>("run-fits", TypeInformation.of(dev.scalewatch.schemas.Fit.class));

  private static final Logger log = LoggerFactory.getLogger(RunMonitor.class);

  private final long stallGapMillis;
  private final long fitIntervalMillis;
  private final String lossMetrics;
  private final LossWatch watch;
  private final String lrMetrics;

  private transient ValueState<RunState> run;
  private transient MapState<String, LossWatchState> watches;
  private transient MapState<String, CurveState> curves;
  private transient AlertBook alerts;
  private transient Pattern lossPattern;
  private transient Fitter fitter;
  private transient Counter latePoints;
  private transient Counter blips;
  private transient Counter fitsSkipped;
  private transient ValueState<CurveState> lr;
  private transient Pattern lrPattern;
  private transient ScheduleFitter scheduleFitter;
  private transient Counter scheduleFitsSkipped;
  private transient Counter shiftsExplained;

  /** A monitor taking metrics named as {@link ScheduleForecast#LR_METRICS} as the learning rate. */
  public RunMonitor(
      long stallGapMillis, long fitIntervalMillis, String lossMetrics, LossWatch watch) {
    this(stallGapMillis, fitIntervalMillis, lossMetrics, watch, ScheduleForecast.LR_METRICS);
  }

  public RunMonitor(
      long stallGapMillis,
      long fitIntervalMillis,
      String lossMetrics,
      LossWatch watch,
      String lrMetrics) {
    this.stallGapMillis = stallGapMillis;
    this.fitIntervalMillis = fitIntervalMillis;
    this.lossMetrics = lossMetrics;
    this.watch = watch;
    this.lrMetrics = lrMetrics;
  }

  @Override
  public void open(OpenContext context) {
    var rc = getRuntimeContext();
    run = rc.getState(new ValueStateDescriptor<>("run", TypeInformation.of(RunState.class)));
    watches =
        rc.getMapState(
            new MapStateDescriptor<>(
                "loss-watches", Types.STRING, TypeInformation.of(LossWatchState.class)));
    curves =
        rc.getMapState(
            new MapStateDescriptor<>("curves", Types.STRING, TypeInformation.of(CurveState.class)));
    alerts = new AlertBook(rc.getMapState(AlertBook.descriptor()));
    lossPattern = Pattern.compile(lossMetrics);
    fitter = new Fitter();
    var metrics = rc.getMetricGroup();
    latePoints = metrics.counter("latePoints");
    blips = metrics.counter("blips");
    fitsSkipped = metrics.counter("fitsSkipped");
    lr = rc.getState(new ValueStateDescriptor<>("lr", TypeInformation.of(CurveState.class)));
    lrPattern = Pattern.compile(lrMetrics);
    scheduleFitter = new ScheduleFitter();
    scheduleFitsSkipped = metrics.counter("scheduleFitsSkipped");
    shiftsExplained = metrics.counter("shiftsExplainedBySchedule");
  }

  @Override
  public void processElement1(MetricPoint point, Context ctx, Collector<Alert> out)
      throws Exception {
    if (ctx.timestamp() != null && ctx.timestamp() < ctx.timerService().currentWatermark()) {
      latePoints.inc();
    }
    RunState st = stateOf(point.getProject(), point.getRunId());
    long now = ctx.timerService().currentProcessingTime();
    long eventTime = point.getEventTime().toEpochMilli();
    st.lastArrival = now;
    if (st.stalled) {
      st.stalled = false;
      alerts.resolveAll(stallPrefix(ctx), eventTime, "points arrive again", out::collect);
    }
    if (!st.ended && st.stallAt == 0) {
      st.stallAt = now + stallGapMillis;
      ctx.timerService().registerProcessingTimeTimer(st.stallAt);
    }
    st.lastStep = Math.max(st.lastStep, point.getStep());
    st.lastEventTime = Math.max(st.lastEventTime, eventTime);
    if (point.getTokensSeen() != null && point.getStep() > 0 && point.getTokensSeen() > 0) {
      st.tokensPerStep = (double) point.getTokensSeen() / point.getStep();
    }

    String metric = point.getMetric();
    if (lossPattern.matcher(metric).matches()) {
      LossWatchState ws = watches.get(metric);
      if (ws == null) {
        ws = new LossWatchState();
      }
      for (RunEvent event : watch.offer(ws, point.getStep(), point.getValue())) {
        onEvent(ctx.getCurrentKey(), st, metric, event, eventTime, out::collect);
      }
      watches.put(metric, ws);

      CurveState curve = curves.get(metric);
      if (curve == null) {
        curve = new CurveState();
      }
      if (LearningCurve.add(curve, point.getStep(), point.getValue()) && st.fitAt == 0) {
        st.fitAt = now + fitIntervalMillis;
        ctx.timerService().registerProcessingTimeTimer(st.fitAt);
      }
      curves.put(metric, curve);
    } else if (ScheduleForecast.isLearningRate(lrPattern, metric)
        && (st.lrMetric == null || st.lrMetric.equals(metric))
        && point.getValue() >= 0
        && Double.isFinite(point.getValue())) {
      st.lrMetric = metric;
      CurveState rates = lr.value();
      if (rates == null) {
        rates = new CurveState();
      }
      rates.lastValue = point.getValue();
      LearningCurve.add(rates, point.getStep(), point.getValue());
      lr.update(rates);
    }
    run.update(st);
  }

  @Override
  public void processElement2(Run record, Context ctx, Collector<Alert> out) throws Exception {
    RunState st = stateOf(record.getProject(), record.getRunId());
    st.plannedTokens = record.getPlannedTokens() == null ? 0 : record.getPlannedTokens();
    ScheduleForecast.keepPlan(st, record.getHyperparameters());
    RunStatus status = record.getStatus();
    st.ended =
        status == RunStatus.FINISHED || status == RunStatus.FAILED || status == RunStatus.KILLED;
    if (st.ended) {
      if (st.stallAt != 0) {
        ctx.timerService().deleteProcessingTimeTimer(st.stallAt);
        st.stallAt = 0;
      }
      long at = record.getEndedAt() != null ? record.getEndedAt().toEpochMilli() : st.lastEventTime;
      st.stalled = false;
      alerts.resolveAll(stallPrefix(ctx), at, "the run ended (" + status + ")", out::collect);
      alerts.resolveAll(
          "level-shift/" + ctx.getCurrentKey() + "/", at, "the run ended", out::collect);
    }
    run.update(st);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    RunState st = run.value();
    if (st == null) {
      return;
    }
    if (timestamp == st.stallAt) {
      st.stallAt = 0;
      long silent = timestamp - st.lastArrival;
      if (silent >= stallGapMillis) {
        st.stalled = true;
        fireStall(ctx, st, timestamp, out);
      } else if (!st.ended) {
        // points arrived since the timer was set: one timer per gap, not one per point
        st.stallAt = st.lastArrival + stallGapMillis;
        ctx.timerService().registerProcessingTimeTimer(st.stallAt);
      }
    }
    if (timestamp == st.fitAt) {
      st.fitAt = 0;
      refitCurves(ctx, st);
    }
    run.update(st);
  }

  private void fireStall(OnTimerContext ctx, RunState st, long now, Collector<Alert> out)
      throws Exception {
    long silentSeconds = stallGapMillis / 1000;
    alerts.fire(
        Alerts.aboutRun(
                stallPrefix(ctx) + st.lastStep,
                AlertKind.STALL,
                Severity.WARNING,
                st.project,
                st.runId,
                "-",
                String.format(
                    Locale.ROOT,
                    "run %s stalled: no point for %d s since step %d",
                    st.runId,
                    silentSeconds,
                    st.lastStep),
                String.format(
                    Locale.ROOT,
                    "last point at step %d (event time %d ms); stall gap %d s; the run has not"
                        + " reported an end",
                    st.lastStep,
                    st.lastEventTime,
                    silentSeconds),
                now)
            .build(),
        out::collect);
  }

  private void refitCurves(OnTimerContext ctx, RunState st) throws Exception {
    double plannedSteps =
        st.plannedTokens > 0 && st.tokensPerStep > 0 ? st.plannedTokens / st.tokensPerStep : 0;
    CurveState rates = lr.value();
    for (var entry : curves.entries()) {
      CurveState curve = entry.getValue();
      if (!curve.dirty) {
        continue;
      }
      fitLearningCurve(ctx, st, entry.getKey(), curve, plannedSteps);
      if (rates != null) {
        fitSchedule(ctx, st, entry.getKey(), curve, rates, plannedSteps);
      }
      curves.put(entry.getKey(), curve);
    }
  }

  private void fitLearningCurve(
      OnTimerContext ctx, RunState st, String metric, CurveState curve, double plannedSteps) {
    Fit fit;
    try {
      fit = LearningCurve.fit(curve, fitter);
    } catch (RuntimeException e) {
      fitsSkipped.inc();
      log.debug("No learning-curve fit for {} {}: {}", ctx.getCurrentKey(), metric, e.getMessage());
      return;
    }
    if (fit == null) {
      return;
    }
    curve.sequence++;
    FitRecords.Subject subject =
        new FitRecords.Subject(
            FitScope.RUN,
            ctx.getCurrentKey() + "/" + metric + "/steps",
            st.project,
            st.runId,
            null,
            metric,
            "steps");
    ctx.output(
        FITS,
        FitRecords.toRecord(
            subject,
            fit,
            Metric.lowerIsBetter(),
            Math.max(plannedSteps, fit.xMax()),
            curve.sequence,
            st.lastEventTime,
            null));
  }

  private void fitSchedule(
      OnTimerContext ctx,
      RunState st,
      String metric,
      CurveState curve,
      CurveState rates,
      double plannedSteps) {
    ScheduleForecast.Forecast forecast;
    try {
      PlannedSchedule plan = ScheduleForecast.plan(st);
      forecast = ScheduleForecast.fit(curve, rates, plan, plannedSteps, scheduleFitter);
    } catch (RuntimeException e) {
      scheduleFitsSkipped.inc();
      log.debug("No lr_annealing fit for {} {}: {}", ctx.getCurrentKey(), metric, e.getMessage());
      return;
    }
    if (forecast == null) {
      return;
    }
    curve.scheduleSequence++;
    ctx.output(
        FITS,
        ScheduleFitRecord.toRecord(
            ctx.getCurrentKey(), st, metric, forecast, curve.scheduleSequence));
  }

  private void onEvent(
      String key, RunState st, String metric, RunEvent e, long eventTime, Consumer<Alert> out)
      throws Exception {
    String where = key + "/" + metric + "/";
    switch (e.kind()) {
      case BLIP -> blips.inc();
      case SPIKE ->
          alerts.fire(
              alert(
                  "spike/" + where + e.startStep(),
                  AlertKind.LOSS_SPIKE,
                  Severity.WARNING,
                  st,
                  metric,
                  String.format(
                      Locale.ROOT,
                      "%s spiked to %sx its baseline %s at step %d",
                      metric,
                      Alerts.num(e.ratio()),
                      Alerts.num(e.baseline()),
                      e.startStep()),
                  e,
                  eventTime),
              out);
      case SPIKE_RECOVERED ->
          alerts.resolve(
              "spike/" + where + e.startStep(),
              eventTime,
              "back to " + Alerts.num(e.value()) + " at step " + e.step(),
              out);
      case NON_FINITE, SUSTAINED_RISE -> {
        alerts.fire(
            alert(
                "divergence/" + where,
                AlertKind.DIVERGENCE,
                Severity.CRITICAL,
                st,
                metric,
                e.kind() == RunEvent.Kind.NON_FINITE
                    ? String.format(
                        Locale.ROOT, "%s diverged to %s at step %d", metric, e.value(), e.step())
                    : String.format(
                        Locale.ROOT,
                        "%s diverged: %sx its level since step %d",
                        metric,
                        Alerts.num(e.ratio()),
                        e.startStep()),
                e,
                eventTime),
            out);
        alerts.resolveAll("spike/" + where, eventTime, "superseded by divergence", out);
      }
      case LEVEL_SHIFT -> {
        if (e.ratio() < 1 && ScheduleForecast.fellBefore(lr.value(), e.startStep(), e.step())) {
          shiftsExplained.inc();
          return;
        }
        alerts.fire(
            alert(
                "level-shift/" + where + e.startStep(),
                AlertKind.LEVEL_SHIFT,
                Severity.INFO,
                st,
                metric,
                String.format(
                    Locale.ROOT,
                    "%s moved to %sx its level from step %d",
                    metric,
                    Alerts.num(e.ratio()),
                    e.startStep()),
                e,
                eventTime),
            out);
      }
      case PLATEAU ->
          alerts.fire(
              alert(
                  "plateau/" + where + e.startStep(),
                  AlertKind.PLATEAU,
                  Severity.INFO,
                  st,
                  metric,
                  String.format(
                      Locale.ROOT, "%s has stopped improving since step %d", metric, e.startStep()),
                  e,
                  eventTime),
              out);
      case PLATEAU_ENDED ->
          alerts.resolveAll("plateau/" + where, eventTime, "improving again", out);
    }
  }

  private static Alert alert(
      String id,
      AlertKind kind,
      Severity severity,
      RunState st,
      String metric,
      String summary,
      RunEvent e,
      long eventTime) {
    return Alerts.aboutRun(
            id, kind, severity, st.project, st.runId, metric, summary, e.evidence(), eventTime)
        .setXAxis("steps")
        .build();
  }

  private RunState stateOf(String project, String runId) throws Exception {
    RunState st = run.value();
    if (st == null) {
      st = new RunState();
      st.project = project;
      st.runId = runId;
    }
    return st;
  }

  /** Stall ids are {@code stall/<run>/<last step>}: one episode per silence. */
  private static String stallPrefix(Context ctx) {
    return "stall/" + ctx.getCurrentKey() + "/";
  }
}
