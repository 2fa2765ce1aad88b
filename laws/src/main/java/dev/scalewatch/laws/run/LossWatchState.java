package dev.scalewatch.laws.run;

/**
 * All mutable state {@link LossWatch} keeps for one series (one run and metric). A Flink POJO:
 * public no-arg constructor and only public fields of primitive types and primitive arrays, so
 * Flink's POJO serializer stores it in keyed state without Kryo. The arrays are allocated by the
 * first {@link LossWatch#offer} with the watch's window sizes; their lengths never change after
 * that, so the state is bounded by the window whatever the length of the run.
 *
 * <p>The fields are public for the serializer, not for callers: only {@link LossWatch} writes them.
 * One state belongs to one {@link LossWatch} configuration; offering it to a watch with another
 * window fails. Not thread-safe (Flink keyed state is accessed by one thread).
 */
public final class LossWatchState {

  /** Normal: the point is compared with the baseline. */
  static final int NORMAL = 0;

  /** One point above the spike level waits for the next one. */
  static final int PENDING = 1;

  /** A spike is open. */
  static final int SPIKE = 2;

  /** Whether a point was accepted yet ({@link #lastStep} is meaningful). */
  public boolean started;

  /** Step of the last accepted point. */
  public long lastStep;

  /** Finite positive points accepted. */
  public long points;

  /** Baseline ring: steps (oldest at {@code (head - size) mod length}). */
  public long[] steps;

  /** Baseline ring: {@code ln(1 + step)}. */
  public double[] logSteps;

  /** Baseline ring: {@code ln value}. */
  public double[] logValues;

  /** Baseline ring: next write position. */
  public int head;

  /** Baseline ring: points held. */
  public int size;

  /** {@link #NORMAL}, {@link #PENDING} or {@link #SPIKE}. */
  public int mode;

  /** Pending or open spike: first elevated step. */
  public long spikeStart;

  /** Pending or open spike: intercept of the frozen pre-spike level, {@code ln level = a + b u}. */
  public double spikeIntercept;

  /** Pending or open spike: slope of the frozen pre-spike level against {@code ln(1 + step)}. */
  public double spikeSlope;

  /** Pending or open spike: pre-spike level at {@link #spikeStart}. */
  public double spikeBaseline;

  /** Pending or open spike: highest value. */
  public double spikePeak;

  /** Pending or open spike: elevated points so far. */
  public int spikePoints;

  /** Open spike: whether SUSTAINED_RISE was reported for it. */
  public boolean riseReported;

  /** Level-shift candidate: steps of its points (oldest first, from index 0). */
  public long[] shiftSteps;

  /** Level-shift candidate: {@code ln(1 + step)} of its points. */
  public double[] shiftLogSteps;

  /** Level-shift candidate: {@code ln value} of its points. */
  public double[] shiftLogValues;

  /** Level-shift candidate: {@code ln(value / baseline)} of its points when they arrived. */
  public double[] shiftLogRatios;

  /** Level-shift candidate: points held (0: no candidate). */
  public int shiftSize;

  /** Points after a SPIKE_RECOVERED that still open no level-shift candidate. */
  public int settlePoints;

  /** Whether NON_FINITE was reported. */
  public boolean nonFinite;

  /** Plateau: the level smoothed in log-step time ({@code ln level}), NaN before the first. */
  public double smoothLogLevel = Double.NaN;

  /** Plateau: updates of the smoothed level since it (re)started. */
  public int smoothPoints;

  /** Plateau: {@code ln(1 + step)} of the last smoothing update. */
  public double smoothLogStep;

  /** Plateau anchors: steps (ring). */
  public long[] anchorSteps;

  /** Plateau anchors: {@code ln(1 + step)}. */
  public double[] anchorLogSteps;

  /** Plateau anchors: {@code ln level} (smoothed; cleared by a LEVEL_SHIFT). */
  public double[] anchorLogLevels;

  /** Plateau anchors: next write position. */
  public int anchorHead;

  /** Plateau anchors: anchors held. */
  public int anchorSize;

  /** Whether a plateau is open (PLATEAU reported, PLATEAU_ENDED not yet). */
  public boolean plateau;

  /** Open plateau: its start step. */
  public long plateauStart;

  /** Consecutive checks that met the plateau (or plateau-end) condition. */
  public int plateauStreak;

  /** An empty state; {@link LossWatch#offer} sizes it on first use. */
  public LossWatchState() {}

  /** Appends a point to the baseline ring. */
  void push(long step, double u, double y) {
    int cap = steps.length;
    steps[head] = step;
    logSteps[head] = u;
    logValues[head] = y;
    head = (head + 1) % cap;
    size = Math.min(size + 1, cap);
  }

  @Override
  public String toString() {
    return "LossWatchState{lastStep="
        + (started ? Long.toString(lastStep) : "none")
        + ", points="
        + points
        + ", window="
        + size
        + ", mode="
        + mode
        + ", shiftCandidate="
        + shiftSize
        + ", nonFinite="
        + nonFinite
        + ", plateau="
        + plateau
        + "}";
  }
}
