package dev.scalewatch.jobs.run;

/** Per run: what the run record said, its pace, and the stall timer. A Flink POJO. */
public class RunState {
  public String project;
  public String runId;

  /** Planned tokens from the run record; 0 when unknown. */
  public long plannedTokens;

  /** Tokens per step from the newest point that logged tokens; 0 when unknown. */
  public double tokensPerStep;

  /** The lr_* keys of the run's hyperparameters and their values (the planned schedule). */
  public String[] lrPlanKeys = new String[0];

  public String[] lrPlanValues = new String[0];

  /** The metric taken as the run's learning rate (the first that matched); null: none yet. */
  public String lrMetric;

  /** Whether the run record says the run ended (FINISHED, FAILED, KILLED). */
  public boolean ended;

  public long lastStep;
  public long lastEventTime;

  /** Processing time of the newest point. */
  public long lastArrival;

  /** Whether a stall alert fires for the current silence. */
  public boolean stalled;

  /** Processing time of the pending stall timer; 0: none. */
  public long stallAt;

  /** Processing time of the pending learning-curve refit; 0: none. */
  public long fitAt;

  public RunState() {}
}
