package dev.scalewatch.laws.run;

import java.io.Serializable;

/**
 * The level-shift part of {@link LossWatch}: a candidate of points beyond {@code sqrt(shiftRatio)}
 * times the baseline, kept out of the baseline in {@link LossWatchState}'s shift arrays, confirmed
 * when {@code shiftPoints} of them (75% beyond that threshold on one side) have a median, an older
 * half median and a newer half median beyond {@code shiftRatio}; the baseline then becomes the
 * candidate's points. A candidate that fails slides forward, its oldest points going to the
 * baseline. Immutable and thread-safe; the state is not.
 */
final class LevelShifts implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Shift-candidate points that must lie beyond the point threshold. */
  private static final double SHIFT_QUORUM = 0.75;

  private final int shiftPoints;
  private final double lnShift;
  private final double lnPointShift;

  LevelShifts(double shiftRatio, int shiftPoints) {
    this.shiftPoints = shiftPoints;
    this.lnShift = Math.log(shiftRatio);
    this.lnPointShift = 0.5 * lnShift;
  }

  /** Whether a point {@code ln(value / baseline) = r} starts a candidate. */
  boolean starts(double r) {
    return Math.abs(r) >= lnPointShift;
  }

  /** Adds a point to the open (or a new) candidate; confirms or slides it. */
  void offer(
      LossWatchState s,
      long step,
      double u,
      double y,
      double r,
      WindowLevel lv,
      LossWatch.Events out) {
    int k = s.shiftSize++;
    s.shiftSteps[k] = step;
    s.shiftLogSteps[k] = u;
    s.shiftLogValues[k] = y;
    s.shiftLogRatios[k] = r;
    int allowedMisses = shiftPoints - (int) Math.ceil(SHIFT_QUORUM * shiftPoints);
    while (s.shiftSize > 0) {
      double first = s.shiftLogRatios[0];
      if (Math.abs(first) < lnPointShift) {
        dropOldestCandidatePoint(s);
        continue;
      }
      double dir = Math.signum(first);
      int misses = 0;
      for (int i = 0; i < s.shiftSize; i++) {
        misses += dir * s.shiftLogRatios[i] >= lnPointShift ? 0 : 1;
      }
      if (misses > allowedMisses) {
        dropOldestCandidatePoint(s);
        continue;
      }
      if (s.shiftSize < shiftPoints) {
        return;
      }
      // the level must stay: the older and the newer half each beyond the shift ratio (a spike's
      // decaying tail has a high older half and a low newer one)
      double[] work = s.shiftLogRatios.clone();
      double median = WindowLevel.median(work, 0, s.shiftSize);
      System.arraycopy(s.shiftLogRatios, 0, work, 0, s.shiftSize);
      int half = s.shiftSize / 2;
      double older = WindowLevel.median(work, 0, half);
      double newer = WindowLevel.median(work, half, s.shiftSize);
      if (dir * median < lnShift || dir * older < lnShift || dir * newer < lnShift) {
        dropOldestCandidatePoint(s);
        continue;
      }
      confirmShift(s, step, median, lv, out);
      return;
    }
  }

  private void confirmShift(
      LossWatchState s, long step, double logRatio, WindowLevel lv, LossWatch.Events out) {
    double ratio = Math.exp(logRatio);
    long start = s.shiftSteps[0];
    int n = s.shiftSize;
    out.always(
        new RunEvent(
            RunEvent.Kind.LEVEL_SHIFT,
            step,
            start,
            lv.level() * ratio,
            lv.level(),
            ratio,
            LossWatch.fmt(
                "level %.5g -> %.5g (%.3fx) since step %d: median ratio of %d points over steps"
                    + " %d-%d vs the window of %d points from step %d; the baseline adopts the"
                    + " new level",
                lv.level(),
                lv.level() * ratio,
                ratio,
                start,
                n,
                start,
                step,
                lv.points,
                lv.fromStep)));
    s.size = 0;
    s.head = 0;
    for (int i = 0; i < n; i++) {
      s.push(s.shiftSteps[i], s.shiftLogSteps[i], s.shiftLogValues[i]);
    }
    s.shiftSize = 0;
    // the plateau memory restarts: rescaling it by the measured ratio would leave the ratio's
    // error (1-3%) in the comparison, as large as a doubling's improvement late in a run
    Plateaus.restart(s);
  }

  private static void dropOldestCandidatePoint(LossWatchState s) {
    s.push(s.shiftSteps[0], s.shiftLogSteps[0], s.shiftLogValues[0]);
    int n = --s.shiftSize;
    System.arraycopy(s.shiftSteps, 1, s.shiftSteps, 0, n);
    System.arraycopy(s.shiftLogSteps, 1, s.shiftLogSteps, 0, n);
    System.arraycopy(s.shiftLogValues, 1, s.shiftLogValues, 0, n);
    System.arraycopy(s.shiftLogRatios, 1, s.shiftLogRatios, 0, n);
  }

  static void flush(LossWatchState s) {
    while (s.shiftSize > 0) {
      dropOldestCandidatePoint(s);
    }
  }
}
