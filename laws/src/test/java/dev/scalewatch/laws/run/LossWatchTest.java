package dev.scalewatch.laws.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.run.RunEvent.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link LossWatch} fed point by point, as the Flink run monitor does. */
class LossWatchTest {

  private static final LossWatch WATCH = LossWatch.defaults();

  /** The loss curve of the tests: 2 + 10 step^-0.3. */
  static double curve(long step) {
    return 2 + 10 * Math.pow(Math.max(1, step), -0.3);
  }

  /** Feeds steps from, from + every, ... below to; returns all events. */
  private static List<RunEvent> feed(
      LossWatch watch,
      LossWatchState state,
      long from,
      long to,
      long every,
      LongToDoubleFunction loss) {
    List<RunEvent> events = new ArrayList<>();
    for (long s = from; s < to; s += every) {
      events.addAll(watch.offer(state, s, loss.applyAsDouble(s)));
    }
    return events;
  }

  private static LongToDoubleFunction noisy(LongToDoubleFunction clean, double noise, long seed) {
    Random r = new Random(seed);
    return s -> clean.applyAsDouble(s) * (1 + noise * r.nextGaussian());
  }

  @Test
  void shouldReportOneStepBlipAsBlipNotSpike() {
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 1);
    List<RunEvent> events = feed(WATCH, state, 1, 2000, 1, base);
    assertThat(events).isEmpty();

    assertThat(WATCH.offer(state, 2000, 3 * curve(2000)))
        .as("one elevated point is pending: no event until the next point decides")
        .isEmpty();
    List<RunEvent> decided = WATCH.offer(state, 2001, base.applyAsDouble(2001));
    assertThat(decided).singleElement().extracting(RunEvent::kind).isEqualTo(Kind.BLIP);
    RunEvent blip = decided.get(0);
    assertThat(blip.step()).isEqualTo(2001);
    assertThat(blip.startStep()).isEqualTo(2000);
    assertThat(blip.ratio()).isCloseTo(3, within(0.15));
    assertThat(blip.baseline()).isCloseTo(curve(2000), within(0.03 * curve(2000)));

    assertThat(feed(WATCH, state, 2002, 4000, 1, base)).isEmpty();
  }

  @Test
  void shouldReportMultiStepSpikeThenSpikeRecovered() {
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 2);
    // doubles at step 3000, comes back linearly over 30 steps
    LongToDoubleFunction loss =
        s -> base.applyAsDouble(s) * (s >= 3000 && s < 3030 ? 2.5 - (s - 3000) * 0.05 : 1);
    List<RunEvent> events = feed(WATCH, state, 1, 5000, 1, loss);

    assertThat(events).extracting(RunEvent::kind).containsExactly(Kind.SPIKE, Kind.SPIKE_RECOVERED);
    RunEvent spike = events.get(0);
    assertThat(spike.startStep()).isEqualTo(3000);
    assertThat(spike.step()).isEqualTo(3001);
    assertThat(spike.ratio()).isBetween(2.3, 2.7);
    RunEvent recovered = events.get(1);
    assertThat(recovered.startStep()).isEqualTo(3000);
    assertThat(recovered.step()).isBetween(3024L, 3031L);
    assertThat(recovered.value()).isLessThan(1.2 * curve(recovered.step()));
  }

  @Test
  void shouldJudgeSparseLogsAgainstABaselineInSteps() {
    // logged every 1000 steps; a point-count window of 64 would reach back 64,000 steps
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction steep = s -> 10 / Math.sqrt(s);
    LongToDoubleFunction base = noisy(steep, 0.01, 3);
    assertThat(feed(WATCH, state, 1000, 60_000, 1000, base)).isEmpty();

    assertThat(WATCH.offer(state, 60_000, 2.5 * steep.applyAsDouble(60_000))).isEmpty();
    List<RunEvent> events = WATCH.offer(state, 61_000, 2.5 * steep.applyAsDouble(61_000));

    RunEvent spike = events.get(0);
    assertThat(spike.kind()).isEqualTo(Kind.SPIKE);
    assertThat(spike.evidence()).contains("2 points from step 60000");
    // the baseline is the level at step 60,000 (10 points of the last 10,000 steps, trend
    // extended), not the median of the 59 points logged so far (10/sqrt(30,000) = 1.41x higher)
    assertThat(spike.baseline()).isCloseTo(steep.applyAsDouble(60_000), within(0.0015));
    assertThat(spike.ratio()).isCloseTo(2.5, within(0.12));
  }

  @Test
  void shouldNotCompareWithPointsOlderThanTheStepWindow() {
    // a run resumed 50,000 steps later at a level 1.5x higher: nothing in the window to compare
    LossWatchState state = new LossWatchState();
    feed(WATCH, state, 1, 3000, 1, noisy(s -> 3.0, 0.02, 4));
    List<RunEvent> events = feed(WATCH, state, 53_000, 56_000, 1, noisy(s -> 4.5, 0.02, 5));
    assertThat(events).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.2, 1.5, 1 / 1.2, 1 / 1.5, 1.16, 1 / 1.16})
  void shouldReportLevelShiftWithItsRatioAndAdoptTheNewLevel(double shift) {
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 6);
    LongToDoubleFunction loss = s -> base.applyAsDouble(s) * (s >= 5000 ? shift : 1);
    List<RunEvent> events = feed(WATCH, state, 1, 12_000, 1, loss);

    assertThat(events).singleElement().extracting(RunEvent::kind).isEqualTo(Kind.LEVEL_SHIFT);
    RunEvent e = events.get(0);
    assertThat(e.ratio()).isCloseTo(shift, within(0.03 * shift));
    assertThat(e.startStep()).isBetween(4995L, 5003L); // a noise point just before may open it
    assertThat(e.step()).isEqualTo(e.startStep() + 11); // confirmed by 12 points
    assertThat(e.baseline()).isCloseTo(curve(e.step()), within(0.02 * curve(e.step())));
    assertThat(e.value()).isCloseTo(shift * curve(e.step()), within(0.03 * curve(e.step())));
  }

  @Test
  void shouldReportNonFiniteOnceAndSuppressSpikesAfterwards() {
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 7);
    feed(WATCH, state, 1, 2000, 1, base);

    assertThat(WATCH.offer(state, 2000, 5 * curve(2000))).isEmpty(); // pending
    List<RunEvent> nan = WATCH.offer(state, 2001, Double.NaN);
    assertThat(nan).singleElement().extracting(RunEvent::kind).isEqualTo(Kind.NON_FINITE);
    assertThat(nan.get(0).step()).isEqualTo(2001);
    assertThat(nan.get(0).value()).isNaN();
    assertThat(nan.get(0).baseline()).isCloseTo(curve(2000), within(0.05 * curve(2000)));
    assertThat(WATCH.offer(state, 2002, Double.POSITIVE_INFINITY)).isEmpty();
    assertThat(WATCH.offer(state, 2003, Double.NaN)).isEmpty();

    // a spike and a blip after the NaN: no spike events any more
    LongToDoubleFunction later =
        s -> base.applyAsDouble(s) * (s >= 3000 && s < 3020 ? 3 : s == 3500 ? 4 : 1);
    assertThat(feed(WATCH, state, 2004, 5000, 1, later)).isEmpty();
  }

  @Test
  void shouldReportSustainedRiseWhenASpikeDoesNotRecover() {
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 8);
    LongToDoubleFunction loss = s -> base.applyAsDouble(s) * (s >= 3000 ? 2.2 : 1);
    List<RunEvent> events = feed(WATCH, state, 1, 4000, 1, loss);
    assertThat(events).extracting(RunEvent::kind).containsExactly(Kind.SPIKE, Kind.SUSTAINED_RISE);
    assertThat(events.get(1).startStep()).isEqualTo(3000);
    assertThat(events.get(1).step()).isEqualTo(3099); // the 100th elevated point
    assertThat(events.get(1).ratio()).isCloseTo(2.2, within(0.15));
  }

  @Test
  void shouldReportSustainedRiseOnSparseLogsAfterTheRiseSpanInSteps() {
    // logged every 1000 steps: 100 points would be 100,000 steps, so 5,000 steps decide
    LossWatchState state = new LossWatchState();
    LongToDoubleFunction base = noisy(LossWatchTest::curve, 0.02, 17);
    LongToDoubleFunction loss = s -> base.applyAsDouble(s) * (s >= 40_000 ? 2.5 : 1);
    List<RunEvent> events = feed(WATCH, state, 1000, 60_000, 1000, loss);
    assertThat(events).extracting(RunEvent::kind).containsExactly(Kind.SPIKE, Kind.SUSTAINED_RISE);
    assertThat(events.get(1).startStep()).isEqualTo(40_000);
    assertThat(events.get(1).step()).isEqualTo(45_000);
  }

  @Test
  void shouldReportPlateauAndItsEnd() {
    // decays until step 20,000, flat until 80,000, then decays again
    LongToDoubleFunction clean =
        s ->
            s < 20_000
                ? curve(s)
                : s < 80_000 ? curve(20_000) : curve(20_000) * Math.pow(s / 80_000.0, -0.2);
    LossWatchState state = new LossWatchState();
    List<RunEvent> events = feed(WATCH, state, 1, 120_000, 1, noisy(clean, 0.02, 9));

    assertThat(events).extracting(RunEvent::kind).containsExactly(Kind.PLATEAU, Kind.PLATEAU_ENDED);
    RunEvent plateau = events.get(0);
    assertThat(plateau.step()).isBetween(40_000L, 56_000L);
    assertThat(plateau.startStep()).isBetween(20_000L, 25_000L);
    assertThat(plateau.ratio()).isCloseTo(1, within(0.01));
    RunEvent ended = events.get(1);
    // the plateau level is smoothed over a quarter doubling, so the end shows ~20% of the steps
    // late
    assertThat(ended.step()).isBetween(82_000L, 100_000L);
    assertThat(ended.startStep()).isEqualTo(plateau.startStep());
  }

  @Test
  void shouldNotReportPlateauOnANoisyPowerLaw() {
    for (long seed = 10; seed < 13; seed++) {
      LossWatchState dense = new LossWatchState();
      assertThat(feed(WATCH, dense, 1, 300_000, 1, noisy(LossWatchTest::curve, 0.02, seed)))
          .as("dense, seed %d", seed)
          .isEmpty();
      LossWatchState sparse = new LossWatchState();
      assertThat(feed(WATCH, sparse, 100, 2_000_000, 100, noisy(LossWatchTest::curve, 0.02, seed)))
          .as("every 100 steps, seed %d", seed)
          .isEmpty();
    }
  }

  @Test
  void shouldKeepStateBoundedWhateverTheRunLength() throws IllegalAccessException {
    LossWatchState shortRun = new LossWatchState();
    feed(WATCH, shortRun, 1, 1_001, 1, noisy(LossWatchTest::curve, 0.02, 14));
    LossWatchState longRun = new LossWatchState();
    feed(WATCH, longRun, 1, 1_000_001, 1, noisy(LossWatchTest::curve, 0.02, 14));

    assertThat(longRun.points).isEqualTo(1_000_000);
    for (Field f : LossWatchState.class.getFields()) {
      assertThat(Modifier.isFinal(f.getModifiers())).as(f.getName()).isFalse();
      Class<?> t = f.getType();
      assertThat(t.isPrimitive() || t == String.class || t == long[].class || t == double[].class)
          .as("%s is a primitive, a primitive array or a String", f.getName())
          .isTrue();
      if (t.isArray()) {
        assertThat(java.lang.reflect.Array.getLength(f.get(longRun)))
            .as("length of %s after 10^6 points", f.getName())
            .isEqualTo(java.lang.reflect.Array.getLength(f.get(shortRun)));
      }
    }
    assertThat(longRun.steps).hasSize(64);
  }

  @Test
  void shouldIgnoreRepeatedOlderStepsAndNonPositiveValues() {
    LossWatchState state = new LossWatchState();
    feed(WATCH, state, 1, 500, 1, noisy(LossWatchTest::curve, 0.02, 15));
    long points = state.points;
    assertThat(WATCH.offer(state, 499, 100.0)).isEmpty();
    assertThat(WATCH.offer(state, 10, Double.NaN)).isEmpty();
    assertThat(WATCH.offer(state, 600, -1.0)).isEmpty();
    assertThat(WATCH.offer(state, 601, 0.0)).isEmpty();
    assertThat(state.points).isEqualTo(points);
    assertThat(state.lastStep).isEqualTo(499);
    assertThat(state.nonFinite).isFalse();
  }

  @Test
  void shouldStayQuietOnACleanOrNoisyPowerLawFromTheFirstStep() {
    for (long seed = 20; seed < 25; seed++) {
      LossWatchState state = new LossWatchState();
      assertThat(feed(WATCH, state, 0, 50_000, 1, noisy(LossWatchTest::curve, 0.02, seed)))
          .as("seed %d", seed)
          .isEmpty();
    }
    assertThat(feed(WATCH, new LossWatchState(), 0, 50_000, 1, LossWatchTest::curve)).isEmpty();
  }

  @Test
  void shouldRejectBadSettingsNamingTheSettingTheValueAndTheLimit() {
    assertThatThrownBy(() -> LossWatch.builder().windowPoints(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("lossWatch.windowPoints must be in [8, 4096]: 3");
    assertThatThrownBy(() -> LossWatch.builder().spikeRatio(1.0))
        .hasMessageStartingWith("lossWatch.spikeRatio must be in (1, 1e6): 1.0");
    assertThatThrownBy(() -> LossWatch.builder().spikeRatio(Double.NaN))
        .hasMessageStartingWith("lossWatch.spikeRatio must be in (1, 1e6): NaN");
    assertThatThrownBy(() -> LossWatch.builder().windowSteps(0))
        .hasMessageStartingWith("lossWatch.windowSteps must be >= 1: 0");
    assertThatThrownBy(() -> LossWatch.builder().recoveryRatio(2.0).build())
        .hasMessage(
            "lossWatch.recoveryRatio must be < spikeRatio: 2.0 >= 1.75 (lower recoveryRatio or"
                + " raise spikeRatio)");
    assertThatThrownBy(() -> LossWatch.builder().windowPoints(16).shiftPoints(20).build())
        .hasMessageStartingWith("lossWatch.shiftPoints must be <= windowPoints: 20 > 16");
    assertThatThrownBy(() -> LossWatch.builder().minPoints(100).build())
        .hasMessageStartingWith("lossWatch.minPoints must be <= windowPoints: 100 > 64");
    assertThatThrownBy(() -> LossWatch.builder().plateauEndImprovement(0.001).build())
        .hasMessageStartingWith("lossWatch.plateauEndImprovement must be > plateauImprovement");
  }

  @Test
  void shouldRefuseAStateSizedByAnotherWindow() {
    LossWatchState state = new LossWatchState();
    WATCH.offer(state, 1, 3.0);
    LossWatch other = LossWatch.builder().windowPoints(128).build();
    assertThatThrownBy(() -> other.offer(state, 2, 3.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windowPoints=64")
        .hasMessageContaining("windowPoints=128");
  }

  @Test
  void shouldSurviveJavaSerializationWithTheSameBehaviour() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(LossWatch.builder().spikeRatio(2.5).build());
    }
    LossWatch copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (LossWatch) in.readObject();
    }
    assertThat(copy.toString()).contains("spikeRatio=2.5");
    LossWatchState state = new LossWatchState();
    feed(copy, state, 1, 1000, 1, noisy(LossWatchTest::curve, 0.02, 16));
    assertThat(copy.offer(state, 1000, 2 * curve(1000))).isEmpty();
    assertThat(copy.offer(state, 1001, 2 * curve(1001))).isEmpty(); // 2x is below 2.5x
  }
}
