package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.laws.form.Chinchilla;
import dev.scalewatch.laws.form.Form;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Recovery of known laws: the noiseless BNSL example, noisy multi-break curves, Chinchilla. */
class BnslRecoveryTest {

  /** The noiseless 4-digit-addition simulation of the BNSL paper, x = 1..4095. */
  private static final double[] EXAMPLE = {
    0.41388453071629455,
    2.2772722897737556,
    0.055077348404973955,
    5.662903816010331,
    612.5836172918001,
    0.059193036393742314
  };

  private final Fitter fitter = new Fitter();

  @Test
  void shouldRecover1BreakBnslForEverySplitPastOnset() {
    Bnsl form = Bnsl.withBreaks(1);
    double[] theta = form.toInternal(EXAMPLE);
    double[] x = new double[4095];
    double[] y = new double[4095];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
      y[i] = form.value(theta, x[i]);
    }
    Series all = Series.of(x, y);
    double onset = EXAMPLE[4] * Math.exp(-Math.log(9) * EXAMPLE[5]);
    List<Integer> splits = new ArrayList<>();
    int first = (int) Math.ceil(onset);
    for (int k = first; k < first + 8; k++) {
      splits.add(k); // consecutive splits right past the onset: the hardest ones
    }
    for (double k = first * 1.12; k < 4000; k *= 1.12) {
      splits.add((int) k);
    }
    for (int split : splits) {
      Fit fit = fitter.fit(form, all.head(split));
      double extrapolation = fit.rmsle(all.slice(split, all.size()));
      assertThat(extrapolation)
          .as("extrapolation RMSLE when fitting x = 1..%d (onset %.1f)", split, onset)
          .isLessThanOrEqualTo(1e-3);
      assertThat(fit.parameter("d1").value())
          .as("d1 at split %d", split)
          .isCloseTo(EXAMPLE[4], within(0.01 * EXAMPLE[4]));
    }
    assertThat(splits).hasSizeGreaterThan(20);
  }

  @Test
  void shouldRecoverDoubleDescentWith2BreaksAndTruthInsideIntervals() {
    // c1 < 0: the curve turns upward between the breaks, then falls again.
    double[] truth = {0.1, 5, 0.4, -0.8, 100, 0.3, 1.2, 1000, 0.3};
    double coverage = coverage(Bnsl.withBreaks(2), truth, Synthetic.logspace(1, 1e5, 60), 20);
    assertThat(coverage).as("2-break coverage of 95%% intervals").isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void shouldRecover3BreakCurveWithTruthInsideIntervalsInMostSeeds() {
    double[] truth = {0.05, 3, 0.1, 0.8, 30, 0.2, -0.6, 1000, 0.2, 0.9, 30000, 0.3};
    double coverage = coverage(Bnsl.withBreaks(3), truth, Synthetic.logspace(1, 1e6, 80), 20);
    assertThat(coverage).as("3-break coverage of 95%% intervals").isGreaterThanOrEqualTo(0.8);
  }

  @Test
  void shouldRecoverChinchillaParametersWithTruthInsideIntervals() {
    double[] truth = {1.817, 482.0, 0.348, 2085.4, 0.366}; // Besiroglu et al. 2024
    int covered = 0;
    int seeds = 20;
    for (int seed = 1; seed <= seeds; seed++) {
      Fit fit = fitter.fit(new Chinchilla(), Synthetic.chinchillaGrid(truth, 7, 0.01, seed));
      covered += covers(fit, truth);
      assertThat(fit.parameter("alpha").value()).isCloseTo(truth[2], within(0.05));
    }
    double coverage = covered / (double) (seeds * truth.length);
    report("chinchilla", coverage);
    assertThat(coverage).isGreaterThanOrEqualTo(0.85);
  }

  private double coverage(Form form, double[] truth, double[] xs, int seeds) {
    int covered = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      Fit fit = fitter.fit(form, Synthetic.sample(form, truth, xs, 0.02, seed));
      covered += covers(fit, truth);
      assertThat(fit.rmsle()).as("in-sample RMSLE, seed %d", seed).isLessThan(0.03);
    }
    double coverage = covered / (double) (seeds * truth.length);
    report(form.name(), coverage);
    return coverage;
  }

  private static int covers(Fit fit, double[] truth) {
    int c = 0;
    for (int i = 0; i < truth.length; i++) {
      c += fit.parameters().get(i).covers(truth[i]) ? 1 : 0;
    }
    return c;
  }

  private static void report(String what, double coverage) {
    System.out.printf(Locale.ROOT, "coverage %s: %.3f%n", what, coverage);
  }
}
