package dev.scalewatch.laws.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The within-run detectors on synthetic training curves. */
class RunDetectorsTest {

  /** A loss curve 2 + 10 * step^-0.3 with 1% noise, steps 1..n. */
  private static double[][] lossCurve(int n, long seed) {
    Random r = new Random(seed);
    double[] steps = new double[n];
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = i + 1;
      loss[i] = (2 + 10 * Math.pow(i + 1, -0.3)) * (1 + 0.01 * r.nextGaussian());
    }
    return new double[][] {steps, loss};
  }

  @Test
  void shouldTellALossSpikeFromAOneStepBlip() {
    double[][] c = lossCurve(300, 1);
    double[] loss = c[1];
    loss[100] *= 3; // a bad batch
    for (int i = 200; i < 230; i++) {
      loss[i] *= 2.5 - (i - 200) * 0.04; // doubles, then recovers over ~30 steps
    }
    List<LossEvent> events = SpikeDetector.defaults().detect(c[0], loss);
    assertThat(events)
        .extracting(LossEvent::kind)
        .containsExactly(LossEvent.Kind.BLIP, LossEvent.Kind.SPIKE);
    assertThat(events.get(0).step()).isEqualTo(101);
    assertThat(events.get(0).elevatedPoints()).isEqualTo(1);
    assertThat(events.get(1).step()).isEqualTo(201);
    assertThat(events.get(1).ratio()).isGreaterThan(2);
    assertThat(events.get(1).recoveredAtStep()).isBetween(220.0, 232.0);
  }

  @Test
  void shouldReportAnUnrecoveredSpikeAtTheEnd() {
    double[][] c = lossCurve(100, 2);
    for (int i = 95; i < 100; i++) {
      c[1][i] *= 3;
    }
    List<LossEvent> events = SpikeDetector.defaults().detect(c[0], c[1]);
    assertThat(events)
        .singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(LossEvent.Kind.SPIKE_UNRECOVERED))
        .satisfies(e -> assertThat(e.recoveredAtStep()).isNaN());
  }

  @Test
  void shouldStayQuietOnASmoothLossCurve() {
    double[][] c = lossCurve(500, 3);
    assertThat(SpikeDetector.defaults().detect(c[0], c[1])).isEmpty();
    assertThat(DivergenceDetector.defaults().detect(c[0], c[1]).diverged()).isFalse();
  }

  @Test
  void shouldDetectDivergenceToNaNAtItsFirstStep() {
    double[][] c = lossCurve(50, 4);
    c[1][40] = Double.POSITIVE_INFINITY;
    c[1][41] = Double.NaN;
    Divergence d = DivergenceDetector.defaults().detect(c[0], c[1]);
    assertThat(d.kind()).isEqualTo(Divergence.Kind.NON_FINITE);
    assertThat(d.step()).isEqualTo(41);
    assertThat(d.value()).isInfinite();
  }

  @Test
  void shouldDetectASustainedRise() {
    double[][] c = lossCurve(60, 5);
    for (int i = 48; i < 60; i++) {
      c[1][i] = c[1][47] * Math.pow(1.08, i - 47);
    }
    Divergence d = DivergenceDetector.defaults().detect(c[0], c[1]);
    assertThat(d.kind()).isEqualTo(Divergence.Kind.SUSTAINED_RISE);
    assertThat(d.risingFraction()).isGreaterThanOrEqualTo(0.8);
    assertThat(d.value()).isGreaterThan(1.5 * d.bestSoFar());
  }

  @Test
  void shouldDetectAPlateauButNotAnImprovingCurve() {
    double[] steps = new double[40];
    double[] flat = new double[40];
    double[] improving = new double[40];
    for (int i = 0; i < 40; i++) {
      steps[i] = 1000 + 100 * i;
      flat[i] = 2.0 * (1 + 0.001 * Math.sin(i));
      improving[i] = 10 * Math.pow(steps[i], -0.3);
    }
    Plateau p = PlateauDetector.defaults().detect(steps, flat);
    assertThat(p.plateaued()).isTrue();
    assertThat(p.fromStep()).isEqualTo(3000); // the last 20 of 40 points
    assertThat(p.toStep()).isEqualTo(4900);
    Plateau q = PlateauDetector.defaults().detect(steps, improving);
    assertThat(q.plateaued()).isFalse();
    assertThat(q.slope()).isCloseTo(-0.3, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void shouldFlagAStallByEventTimeGap() {
    long[] times = {0, 10_000, 20_000, 30_000, 40_000};
    Stall quiet = new StallDetector(10, 60_000).detect(times, 90_000);
    assertThat(quiet.stalled()).isFalse();
    assertThat(quiet.typicalIntervalMillis()).isEqualTo(10_000);
    Stall stalled = new StallDetector(10, 60_000).detect(times, 150_000);
    assertThat(stalled.stalled()).isTrue();
    assertThat(stalled.gapMillis()).isEqualTo(110_000);
    assertThat(stalled.thresholdMillis()).isEqualTo(100_000);
    assertThatThrownBy(() -> StallDetector.defaults().detect(new long[] {1}, 2))
        .hasMessageContaining("needs at least 2 events");
  }

  @Test
  void shouldFindAnSCurveOfAnEvalMetricOverSteps() {
    double[] steps = new double[40];
    double[] acc = new double[40];
    Random r = new Random(6);
    for (int i = 0; i < 40; i++) {
      steps[i] = 100 * Math.pow(10, i * 3.0 / 39); // 100 .. 1e5
      double z = (Math.log(steps[i]) - Math.log(5000)) / 0.15;
      acc[i] = 0.05 + 0.85 / (1 + Math.exp(-z)) + 0.01 * r.nextGaussian();
    }
    SCurve s = SCurveDetector.defaults().detect(steps, acc);
    assertThat(s.found()).as(s.reason()).isTrue();
    assertThat(s.midpointStep()).isBetween(4000.0, 6250.0);
    assertThat(s.high() - s.low()).isBetween(0.8, 0.9);
    assertThat(s.widthDecades()).isLessThan(0.5);
  }

  @Test
  void shouldNotCallASteadyClimbAnSCurve() {
    double[] steps = new double[40];
    double[] acc = new double[40];
    for (int i = 0; i < 40; i++) {
      steps[i] = 100 * Math.pow(10, i * 3.0 / 39);
      acc[i] = 0.1 + 0.25 * Math.log10(steps[i] / 100); // 0.1 .. 0.85 over 3 decades
    }
    SCurve s = SCurveDetector.defaults().detect(steps, acc);
    assertThat(s.found()).as(s.reason()).isFalse();
  }
}
