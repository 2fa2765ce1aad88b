package dev.scalewatch.jobs.sweep;

import dev.scalewatch.jobs.Keys;
import dev.scalewatch.jobs.run.RunMonitorJob;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.Run;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The sweep fitter's dataflow: evals joined with their run's metadata (keyed by run, as they come
 * from the normalizer, so nothing is re-keyed before the join), then deliberately regrouped by
 * sweep for {@link SweepFitter}. Sources and sinks are the caller's, so the same graph runs on
 * Kafka in the stack and on finite collections in tests.
 */
public final class SweepFitterJob {

  /** The job's outputs. */
  public record Outputs(DataStream<Fit> fits, DataStream<Alert> alerts) {}

  private final Duration runWait;
  private final Duration coalesce;
  private final Duration settle;
  private final int reselectEvery;
  private PointSelection pointAt = PointSelection.LATEST;
  private Map<String, Double> targets = Map.of();

  public SweepFitterJob(Duration runWait, Duration coalesce, Duration settle, int reselectEvery) {
    this.runWait = runWait;
    this.coalesce = coalesce;
    this.settle = settle;
    this.reselectEvery = reselectEvery;
  }

  /** Which eval of each run is its point across runs (default: its latest). */
  public SweepFitterJob pointAt(PointSelection selection) {
    this.pointAt = selection;
    return this;
  }

  /** Target values by task or metric name, forecast with each fit. */
  public SweepFitterJob targets(Map<String, Double> byName) {
    this.targets = Map.copyOf(byName);
    return this;
  }

  /** Adds the job's operators between {@code evals}, {@code runs} and the returned outputs. */
  public Outputs build(DataStream<EvalResult> evals, DataStream<Run> runs) {
    SingleOutputStreamOperator<Fit> fits =
        evals
            .keyBy(new EvalRunKey())
            .connect(runs.keyBy(new RunMonitorJob.RunKey()))
            .process(new RunEnricher(runWait.toMillis(), pointAt))
            .uid("sweep-run-enricher")
            .name("join evals with runs")
            .keyBy(new SweepKey())
            .process(
                new SweepFitter(
                    coalesce.toMillis(), settle.toMillis(), reselectEvery, new HashMap<>(targets)))
            .uid("sweep-fitter")
            .name("sweep fitter");
    return new Outputs(fits, fits.getSideOutput(SweepFitter.ALERTS));
  }

  /** An eval's run key. */
  public static final class EvalRunKey implements KeySelector<EvalResult, String> {
    @Override
    public String getKey(EvalResult eval) {
      return Keys.run(eval.getProject(), eval.getRunId());
    }
  }

  /** A sweep point's series. */
  public static final class SweepKey implements KeySelector<SweepPoint, String> {
    @Override
    public String getKey(SweepPoint point) {
      return point.sweepKey;
    }
  }
}
