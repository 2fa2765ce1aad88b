package dev.scalewatch.jobs.run;

/**
 * A bounded sample of one loss curve and its last fit. The sample keeps every {@code stride}-th
 * point; when it is full every other point is dropped and the stride doubles, so it spans the whole
 * run in at most {@link LearningCurve#CAPACITY} points however long the run. A Flink POJO.
 */
public class CurveState {
  public double[] steps = new double[0];
  public double[] values = new double[0];
  public int size;
  public long stride = 1;
  public long seen;

  /** Warm start of the last fit (null: none yet). */
  public String warmForm;

  public double[] warmVector;
  public double warmRmsle;
  public long sequence;

  /** Newest value offered, kept in the sample or not. */
  public double lastValue;

  /** Warm start of the last schedule-aware fit ({@code alpha}; 0: none yet) and its sequence. */
  public double scheduleAlpha;

  public long scheduleSequence;

  /** Whether points arrived since the last fit. */
  public boolean dirty;

  public CurveState() {}
}
