package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  /** The areas of a WSD schedule summed step by step, as Tissue et al. define them. */
  static double[] areas(long warmup, long decayStart, long total, long step) {
    double s1 = 0;
    double s2 = 0;
    double m = 0;
    double previous = 0;
    for (long s = 1; s <= step; s++) {
      double eta =
          s <= warmup
              ? 1e-3 * s / warmup
              : s <= decayStart ? 1e-3 : 1e-3 * (total - s) / (double) (total - decayStart);
      if (s >= warmup) {
        m = s == warmup ? 0 : LrSchedule.DEFAULT_DECAY * m + (previous - eta);
        s1 += eta;
        s2 += m;
      }
      previous = eta;
    }
    return new double[] {s1, s2};
  }

  @Test
  void aScheduleLongerThanTheGridKeepsItsAreasWithinATenThousandthOfTheirTotal() {
    long total = 3_000_000;
    LrSchedule schedule =
        LrSchedule.of(
            new long[] {1, 30_000, 2_400_000, total}, new double[] {1e-3 / 30_000, 1e-3, 1e-3, 0});

    assertThat(schedule.lastStep()).isEqualTo(total);
    assertThat(schedule.peakStep()).isEqualTo(30_000);
    double[] full = areas(30_000, 2_400_000, total, total);
    for (long step : new long[] {1_000_003, 2_400_001, 2_500_017, 2_999_999, total}) {
      double[] exact = areas(30_000, 2_400_000, total, step);
      assertThat(schedule.forwardArea(step)).isCloseTo(exact[0], offset(1e-4 * full[0]));
      assertThat(schedule.annealingArea(step)).isCloseTo(exact[1], offset(1e-4 * full[1]));
    }
  }
}
