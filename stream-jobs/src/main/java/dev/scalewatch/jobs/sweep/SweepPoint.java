package dev.scalewatch.jobs.sweep;

/**
 * One point of a sweep series: a run's latest eval of a task and metric against one x axis (for the
 * {@code steps} axis, one eval of one run's series). A Flink POJO: public fields, no-arg
 * constructor.
 */
public class SweepPoint {
  /** The series: project, family, task, metric and axis (and the run for {@code steps}). */
  public String sweepKey;

  /** Which point of the series this replaces: the run key, or the step for {@code steps}. */
  public String pointId;

  public String project;
  public String family;
  public String task;
  public String metric;
  public String axis;

  /** The run for the {@code steps} axis; null for cross-run axes. */
  public String runId;

  public double x;
  public double y;

  /** Standard error of y, NaN when not given. */
  public double stderr;

  public long step;
  public long eventTime;

  public SweepPoint() {}

  @Override
  public String toString() {
    return sweepKey + "[" + pointId + "] x=" + x + " y=" + y + " step=" + step;
  }
}
