package dev.scalewatch.jobs.sweep;

import dev.scalewatch.jobs.Keys;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Run;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by run ({@code project/run_id}): joins each eval with its run's metadata and emits one
 * {@link SweepPoint} per x axis the eval has: {@code params} (the run's parameter count), {@code
 * tokens} (tokens seen), {@code flops} (compute, 6ND when the normalizer derived it) across the
 * runs of a sweep (only the evals the {@link PointSelection} accepts: by default every eval, the
 * sweep keeping each run's latest), and {@code steps} within the run's own eval series.
 *
 * <p>A sweep is one project's model family; runs without a family form one sweep per project
 * (family {@code -}). Runs and evals come from two topics, so an eval can arrive before its run: it
 * waits in state until the run arrives, or at most {@code waitMillis} (processing time), after
 * which it joins without a family. Evals with a non-finite value or no positive x on any axis yield
 * no point and are counted ({@code evalsWithoutPoint}).
 */
public final class RunEnricher extends KeyedCoProcessFunction<String, EvalResult, Run, SweepPoint> {

  /** Family of runs that name none. */
  public static final String NO_FAMILY = "-";

  private final long waitMillis;
  private final PointSelection pointAt;
  private transient ValueState<Run> run;
  private transient ValueState<Long> flushAt;
  private transient ListState<EvalResult> waiting;
  private transient Counter withoutPoint;

  public RunEnricher(long waitMillis, PointSelection pointAt) {
    this.waitMillis = waitMillis;
    this.pointAt = pointAt;
  }

  @Override
  public void open(OpenContext context) {
    run =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("run", TypeInformation.of(Run.class)));
    flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Long.class));
    waiting =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("waiting-evals", TypeInformation.of(EvalResult.class)));
    withoutPoint = getRuntimeContext().getMetricGroup().counter("evalsWithoutPoint");
  }

  @Override
  public void processElement1(EvalResult eval, Context ctx, Collector<SweepPoint> out)
      throws Exception {
    Run known = run.value();
    if (known != null) {
      emit(eval, known, out);
      return;
    }
    waiting.add(eval);
    if (flushAt.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + waitMillis;
      flushAt.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
    }
  }

  @Override
  public void processElement2(Run value, Context ctx, Collector<SweepPoint> out) throws Exception {
    run.update(value);
    flush(value, ctx, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SweepPoint> out)
      throws Exception {
    flush(run.value(), ctx, out);
  }

  private void flush(Run known, Context ctx, Collector<SweepPoint> out) throws Exception {
    for (EvalResult eval : waiting.get()) {
      emit(eval, known, out);
    }
    waiting.clear();
    Long at = flushAt.value();
    if (at != null) {
      ctx.timerService().deleteProcessingTimeTimer(at);
      flushAt.clear();
    }
  }

  private void emit(EvalResult eval, Run known, Collector<SweepPoint> out) {
    if (!Double.isFinite(eval.getValue())) {
      withoutPoint.inc();
      return;
    }
    String family =
        known != null && known.getModelFamily() != null && !known.getModelFamily().isBlank()
            ? known.getModelFamily()
            : NO_FAMILY;
    Long params = eval.getParameters() != null ? eval.getParameters() : parameters(known);
    int emitted = 0;
    if (pointAt.accepts(eval.getStep(), eval.getTokensSeen())) {
      emitted += emit(eval, family, "params", params == null ? Double.NaN : params, null, out);
      emitted +=
          emit(
              eval,
              family,
              "tokens",
              eval.getTokensSeen() == null ? Double.NaN : eval.getTokensSeen(),
              null,
              out);
      emitted +=
          emit(
              eval,
              family,
              "flops",
              eval.getFlops() == null ? Double.NaN : eval.getFlops(),
              null,
              out);
    }
    emitted += emit(eval, family, "steps", eval.getStep(), eval.getRunId(), out);
    if (emitted == 0) {
      withoutPoint.inc();
    }
  }

  private static Long parameters(Run known) {
    return known == null ? null : known.getParameters();
  }

  private static int emit(
      EvalResult eval,
      String family,
      String axis,
      double x,
      String runId,
      Collector<SweepPoint> out) {
    if (!(x > 0) || !Double.isFinite(x)) {
      return 0;
    }
    SweepPoint p = new SweepPoint();
    p.project = eval.getProject();
    p.family = family;
    p.task = eval.getTask();
    p.metric = eval.getMetric();
    p.axis = axis;
    p.runId = runId;
    p.sweepKey =
        runId == null
            ? Keys.join(p.project, family, p.task, p.metric, axis)
            : Keys.join(p.project, "run:" + runId, p.task, p.metric, axis);
    p.pointId =
        runId == null
            ? Keys.run(eval.getProject(), eval.getRunId())
            : Long.toString(eval.getStep());
    p.x = x;
    p.y = eval.getValue();
    p.stderr = eval.getStderr() == null ? Double.NaN : eval.getStderr();
    p.step = eval.getStep();
    p.eventTime = eval.getEventTime().toEpochMilli();
    out.collect(p);
    return 1;
  }
}
