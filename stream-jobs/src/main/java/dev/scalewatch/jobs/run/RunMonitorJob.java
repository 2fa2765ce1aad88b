package dev.scalewatch.jobs.run;

import dev.scalewatch.jobs.Keys;
import dev.scalewatch.laws.run.LossWatch;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import java.time.Duration;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The run monitor's dataflow: metric points and run records, both keyed by run ({@code
 * project/run_id}), into {@link RunMonitor}. Sources and sinks are the caller's.
 */
public final class RunMonitorJob {

  /** The job's outputs. */
  public record Outputs(DataStream<Alert> alerts, DataStream<Fit> fits) {}

  private final Duration stallGap;
  private final Duration fitInterval;
  private final String lossMetrics;

  public RunMonitorJob(Duration stallGap, Duration fitInterval, String lossMetrics) {
    this.stallGap = stallGap;
    this.fitInterval = fitInterval;
    this.lossMetrics = lossMetrics;
  }

  /** Adds the job's operators between the inputs and the returned outputs. */
  public Outputs build(DataStream<MetricPoint> metrics, DataStream<Run> runs) {
    SingleOutputStreamOperator<Alert> alerts =
        metrics
            .keyBy(new PointRunKey())
            .connect(runs.keyBy(new RunKey()))
            .process(
                new RunMonitor(
                    stallGap.toMillis(), fitInterval.toMillis(), lossMetrics, LossWatch.defaults()))
            .uid("run-monitor")
            .name("run monitor");
    return new Outputs(alerts, alerts.getSideOutput(RunMonitor.FITS));
  }

  /** A metric point's run key. */
  public static final class PointRunKey implements KeySelector<MetricPoint, String> {
    @Override
    public String getKey(MetricPoint point) {
      return Keys.run(point.getProject(), point.getRunId());
    }
  }

  /** A run's key. */
  public static final class RunKey implements KeySelector<Run, String> {
    @Override
    public String getKey(Run run) {
      return Keys.run(run.getProject(), run.getRunId());
    }
  }
}
