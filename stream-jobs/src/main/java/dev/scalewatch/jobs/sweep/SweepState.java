package dev.scalewatch.jobs.sweep;

/**
 * Per sweep key: the fit to warm-start from, how many warm refits since the last full selection,
 * the pending timers and the sequence of emitted fits. A Flink POJO.
 */
public class SweepState {
  /** Sequence number of the last emitted fit (0: none yet). */
  public long sequence;

  /** Warm start of the last fit: its form name (null: none yet), internal vector and RMSLE. */
  public String warmForm;

  public double[] warmVector;
  public double warmRmsle;

  /** Whether the last fit came from a full selection of the number of breaks. */
  public boolean lastWasSelection;

  /** Largest x of the last fit (the points it saw, for rebuilding it after a restore). */
  public double fittedXMax;

  public int refitsSinceSelection;

  /** Natural parameters and point count of the last emitted fit, to tell a material change. */
  public double[] emittedParameters;

  public int emittedPoints;

  /**
   * Whether the last published law is the sigmoid of a bounded score (else the warm-start form).
   */
  public boolean sigmoidPublished;

  public String emittedForm;

  /** Pending coalesced refit and settle timers (processing time; 0: none). */
  public long refitAt;

  public long settleAt;

  /** Newest event time seen. */
  public long newestEventTime;

  public SweepState() {}
}
