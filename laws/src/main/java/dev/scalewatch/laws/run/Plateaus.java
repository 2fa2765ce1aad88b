package dev.scalewatch.laws.run;

import java.io.Serializable;

/**
 * The plateau part of {@link LossWatch}: the baseline level smoothed in log-step time (a running
 * mean, then an exponential average with a time constant of a quarter span), anchors of that level
 * every eighth of a span once a window's worth of points is averaged, and the comparison of the
 * level now with the anchor one span earlier. Immutable and thread-safe; the state is not.
 */
final class Plateaus implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Anchors per plateau span. */
  static final int ANCHORS_PER_SPAN = 8;

  /** Anchors kept: two spans. */
  static final int ANCHORS = 2 * ANCHORS_PER_SPAN;

  /**
   * The smoothing time constant is a quarter plateau span in {@code ln(1 + step)}, so it averages
   * many windows (a window of 64 points at step 10^6 is 0.006% of the steps) without lagging in
   * log-log.
   */
  private static final double SMOOTHING_PER_SPAN = 4;

  private final double plateauSpan;
  private final double lnSpan;
  private final double plateauImprovement;
  private final double plateauSlope;
  private final double plateauEndImprovement;
  private final int plateauPoints;
  private final long plateauMinStep;
  private final int windowPoints;

  Plateaus(
      double span,
      double improvement,
      double slope,
      double endImprovement,
      int points,
      long minStep,
      int windowPoints) {
    this.plateauSpan = span;
    this.lnSpan = Math.log(span);
    this.plateauImprovement = improvement;
    this.plateauSlope = slope;
    this.plateauEndImprovement = endImprovement;
    this.plateauPoints = points;
    this.plateauMinStep = minStep;
    this.windowPoints = windowPoints;
  }

  /** Forgets the smoothed level and the anchors (after a level shift); an open plateau stays. */
  static void restart(LossWatchState s) {
    s.anchorSize = 0;
    s.anchorHead = 0;
    s.smoothLogLevel = Double.NaN;
    s.plateauStreak = 0;
  }

  /** Takes the level at a normal point; reports PLATEAU or PLATEAU_ENDED when decided. */
  void offer(LossWatchState s, long step, double u, WindowLevel lv, LossWatch.Events out) {
    if (Double.isNaN(s.smoothLogLevel)) {
      s.smoothLogLevel = lv.logLevel;
      s.smoothPoints = 1;
    } else {
      // a running mean until the exponential average has seen enough (no weight on one window)
      s.smoothPoints = Math.min(s.smoothPoints + 1, 1 << 30);
      double alpha =
          Math.max(
              Math.min(1, (u - s.smoothLogStep) * SMOOTHING_PER_SPAN / lnSpan),
              1.0 / s.smoothPoints);
      s.smoothLogLevel += alpha * (lv.logLevel - s.smoothLogLevel);
    }
    s.smoothLogStep = u;
    double level = s.smoothLogLevel;
    if (s.smoothPoints < windowPoints) {
      return; // anchors only from a level averaged over a full window's worth of points
    }
    if (s.anchorSize == 0
        || u
            >= s.anchorLogSteps[Math.floorMod(s.anchorHead - 1, ANCHORS)]
                + lnSpan / ANCHORS_PER_SPAN) {
      s.anchorSteps[s.anchorHead] = step;
      s.anchorLogSteps[s.anchorHead] = u;
      s.anchorLogLevels[s.anchorHead] = level;
      s.anchorHead = (s.anchorHead + 1) % ANCHORS;
      s.anchorSize = Math.min(s.anchorSize + 1, ANCHORS);
    }
    if (step < plateauMinStep) {
      return;
    }
    int j = -1;
    for (int i = 0; i < s.anchorSize; i++) {
      int k = Math.floorMod(s.anchorHead - 1 - i, ANCHORS);
      if (s.anchorLogSteps[k] <= u - lnSpan) {
        j = k;
        break;
      }
    }
    if (j < 0) {
      return;
    }
    double slope = (level - s.anchorLogLevels[j]) / (u - s.anchorLogSteps[j]);
    double improvement = 1 - Math.exp(slope * lnSpan);
    double then = Math.exp(s.anchorLogLevels[j]);
    double now = Math.exp(level);
    if (!s.plateau) {
      boolean flat = improvement < plateauImprovement && Math.abs(slope) <= plateauSlope;
      s.plateauStreak = flat ? s.plateauStreak + 1 : 0;
      if (s.plateauStreak >= plateauPoints) {
        s.plateau = true;
        s.plateauStart = s.anchorSteps[j];
        s.plateauStreak = 0;
        out.always(
            new RunEvent(
                RunEvent.Kind.PLATEAU,
                step,
                s.anchorSteps[j],
                now,
                then,
                now / then,
                LossWatch.fmt(
                    "level %.5g at step %d vs %.5g at step %d: log-log slope %.4f, improvement"
                        + " %.2f%% per %.3gx of steps (plateau below %.2f%% and |slope| <= %.3g"
                        + " on %d points)",
                    now,
                    step,
                    then,
                    s.anchorSteps[j],
                    slope,
                    100 * improvement,
                    plateauSpan,
                    100 * plateauImprovement,
                    plateauSlope,
                    plateauPoints)));
      }
    } else {
      s.plateauStreak = improvement >= plateauEndImprovement ? s.plateauStreak + 1 : 0;
      if (s.plateauStreak >= plateauPoints) {
        s.plateau = false;
        s.plateauStreak = 0;
        out.always(
            new RunEvent(
                RunEvent.Kind.PLATEAU_ENDED,
                step,
                s.plateauStart,
                now,
                then,
                now / then,
                LossWatch.fmt(
                    "improving again: level %.5g at step %d vs %.5g at step %d, %.2f%% per %.3gx"
                        + " of steps (>= %.2f%% on %d points); plateau since step %d",
                    now,
                    step,
                    then,
                    s.anchorSteps[j],
                    100 * improvement,
                    plateauSpan,
                    100 * plateauEndImprovement,
                    plateauPoints,
                    s.plateauStart)));
      }
    }
  }
}
