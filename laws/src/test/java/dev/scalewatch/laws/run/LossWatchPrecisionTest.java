package dev.scalewatch.laws.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.laws.run.RunEvent.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of {@link LossWatch} with its defaults on seeded synthetic training logs: a
 * loss {@code 2 + 10 step^-0.3} with Gaussian noise of 1% to 3% (drawn per run), 40,000 points
 * logged every step or every 10 steps, with blips, fast spikes, slowly recovering spikes and level
 * shifts of 1.16x to 1.5x (up and down) injected at known points 1,500 to 2,500 points apart, and
 * runs that diverge at the end. A reported event is right when an injected event of the same kind
 * started at its {@code startStep} (within 5 points for a level shift); each injected event is
 * found once.
 */
class LossWatchPrecisionTest {

  private static final int SERIES = 30;
  private static final int DIVERGING = 10; // every third run
  private static final int POINTS = 40_000;

  /** An event the log should produce: its kind and where it starts. */
  private record Truth(Kind kind, long start, double ratio) {}

  /** One synthetic run: the loss at every point, its step interval and the events it contains. */
  private record Log(double[] loss, long every, double noise, List<Truth> truth) {}

  /** Built in points; the truth is converted to steps at the end. */
  private static Log log(long seed, boolean diverges, long every) {
    Random r = new Random(seed);
    double[] factor = new double[POINTS];
    java.util.Arrays.fill(factor, 1);
    List<Truth> truth = new ArrayList<>();
    double level = 1;
    int shiftDirection = r.nextBoolean() ? 1 : -1;
    long end = diverges ? POINTS - 1500 : POINTS - 500;
    long s = 3000 + r.nextInt(1000);
    while (s < end - 300) {
      int kind = r.nextInt(4);
      switch (kind) {
        case 0 -> { // a bad batch
          double peak = 2 + 3 * r.nextDouble();
          factor[(int) s] *= peak;
          truth.add(new Truth(Kind.BLIP, s, peak));
        }
        case 1, 2 -> { // a spike: fast (3-20 points) or slow recovery (40-80 points)
          int length = kind == 1 ? 3 + r.nextInt(18) : 40 + r.nextInt(41);
          double peak = kind == 1 ? 2 + 2 * r.nextDouble() : 2 + r.nextDouble();
          for (int i = 0; i < length; i++) {
            factor[(int) s + i] *= 1 + (peak - 1) * (1 - i / (double) length);
          }
          truth.add(new Truth(Kind.SPIKE, s, peak));
          truth.add(new Truth(Kind.SPIKE_RECOVERED, s, peak));
        }
        default -> { // a level shift of 1.16x to 1.5x, alternating up and down
          double ratio = Math.pow(1.16 + 0.34 * r.nextDouble(), shiftDirection);
          shiftDirection = -shiftDirection;
          level *= ratio;
          for (int i = (int) s; i < POINTS; i++) {
            factor[i] *= ratio;
          }
          truth.add(new Truth(Kind.LEVEL_SHIFT, s, ratio));
        }
      }
      s += 1500 + r.nextInt(1001);
    }
    if (diverges) { // jumps 2x-3x and keeps rising slowly until the end
      long from = POINTS - 1000 + r.nextInt(300);
      double jump = 2 + r.nextDouble();
      for (int i = (int) from; i < POINTS; i++) {
        factor[i] *= jump * (1 + 0.0005 * (i - from));
      }
      truth.add(new Truth(Kind.SPIKE, from, jump));
      truth.add(new Truth(Kind.SUSTAINED_RISE, from, jump));
    }
    double noise = 0.01 + 0.02 * r.nextDouble();
    double[] loss = new double[POINTS];
    for (int i = 1; i < POINTS; i++) {
      loss[i] = LossWatchTest.curve(i * every) * factor[i] * (1 + noise * r.nextGaussian());
    }
    List<Truth> inSteps = new ArrayList<>();
    for (Truth t : truth) {
      inSteps.add(new Truth(t.kind(), t.start() * every, t.ratio()));
    }
    return new Log(loss, every, noise, inSteps);
  }

  private static long tolerance(Kind kind, long every) {
    return kind == Kind.LEVEL_SHIFT ? 5 * every : 0;
  }

  @Test
  void shouldFindInjectedEventsWithPrecisionAndRecallOfAtLeast95PercentPerKind() {
    Map<Kind, int[]> counts = new EnumMap<>(Kind.class); // reported, right, injected, found
    for (Kind k : Kind.values()) {
      counts.put(k, new int[4]);
    }
    double worstShiftRatioError = 0;
    LossWatch watch = LossWatch.defaults();
    for (int series = 0; series < SERIES; series++) {
      Log log = log(1000 + series, series % 3 == 0, series % 2 == 0 ? 1 : 10);
      LossWatchState state = new LossWatchState();
      List<RunEvent> events = new ArrayList<>();
      for (int i = 1; i < POINTS; i++) {
        events.addAll(watch.offer(state, i * log.every(), log.loss()[i]));
      }
      boolean[] found = new boolean[log.truth().size()];
      for (RunEvent e : events) {
        counts.get(e.kind())[0]++;
        for (int t = 0; t < found.length; t++) {
          Truth truth = log.truth().get(t);
          if (!found[t]
              && truth.kind() == e.kind()
              && Math.abs(truth.start() - e.startStep()) <= tolerance(e.kind(), log.every())) {
            found[t] = true;
            counts.get(e.kind())[1]++;
            if (e.kind() == Kind.LEVEL_SHIFT) {
              worstShiftRatioError =
                  Math.max(worstShiftRatioError, Math.abs(e.ratio() / truth.ratio() - 1));
            }
            break;
          }
        }
      }
      for (int t = 0; t < found.length; t++) {
        Kind k = log.truth().get(t).kind();
        counts.get(k)[2]++;
        counts.get(k)[3] += found[t] ? 1 : 0;
      }
    }

    StringBuilder table = new StringBuilder("kind            injected reported precision recall\n");
    for (Kind k : Kind.values()) {
      int[] c = counts.get(k);
      if (c[0] == 0 && c[2] == 0) {
        continue;
      }
      table.append(
          String.format(
              Locale.ROOT, "%-15s %8d %8d %9.3f %6.3f%n", k, c[2], c[0], precision(c), recall(c)));
    }
    table.append(
        String.format(
            Locale.ROOT, "worst LEVEL_SHIFT ratio error: %.2f%%%n", 100 * worstShiftRatioError));
    System.out.print(table);

    for (Kind k : Kind.values()) {
      int[] c = counts.get(k);
      assertThat(precision(c)).as("precision of %s%n%s", k, table).isGreaterThanOrEqualTo(0.95);
      assertThat(recall(c)).as("recall of %s%n%s", k, table).isGreaterThanOrEqualTo(0.95);
    }
    for (Kind k : List.of(Kind.BLIP, Kind.SPIKE, Kind.SPIKE_RECOVERED, Kind.LEVEL_SHIFT)) {
      assertThat(counts.get(k)[2]).as("injected %s", k).isGreaterThan(50);
    }
    assertThat(counts.get(Kind.SUSTAINED_RISE)[2]).isEqualTo(DIVERGING);
    assertThat(counts.get(Kind.PLATEAU)[0]).as("plateaus on a decaying loss").isZero();
    assertThat(worstShiftRatioError).isLessThan(0.05);
  }

  /** Right among reported; 1 when nothing was reported. */
  private static double precision(int[] c) {
    return c[0] == 0 ? 1 : c[1] / (double) c[0];
  }

  /** Found among injected; 1 when nothing was injected. */
  private static double recall(int[] c) {
    return c[2] == 0 ? 1 : c[3] / (double) c[2];
  }
}
