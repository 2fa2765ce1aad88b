package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.Synthetic;
import dev.scalewatch.laws.form.Kaplan;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kaplan's L(N, S) across a sweep: learning curves of five model sizes forecast the curve of a
 * larger one.
 */
class KaplanSweepTest {

  /** Kaplan et al. (2020), Table 2 scale: Nc, aN, Sc, aS. */
  private static final double[] TRUTH = {8.8e13, 0.076, 2.1e3, 0.76};

  private static final double[] SIZES = {1e6, 3e6, 1e7, 3e7, 1e8};
  private static final double LARGER = 1e9;
  private static final double[] STEPS = Synthetic.logspace(1e3, 2e5, 20);

  /** One learning curve per size, 20 steps each, times exp(N(0, sigma)). */
  private static Series sweep(double[] sizes, double sigma, long seed) {
    Kaplan form = new Kaplan();
    double[] theta = form.toInternal(TRUTH);
    Random r = new Random(seed);
    int m = sizes.length * STEPS.length;
    double[] n = new double[m];
    double[] s = new double[m];
    double[] y = new double[m];
    for (int i = 0; i < sizes.length; i++) {
      for (int j = 0; j < STEPS.length; j++) {
        int k = i * STEPS.length + j;
        n[k] = sizes[i];
        s[k] = STEPS[j];
        y[k] =
            Math.exp(
                form.logValue(theta, Math.log(n[k]), Math.log(s[k]), null)
                    + sigma * r.nextGaussian());
      }
    }
    return Series.twoInputs(n, s, y);
  }

  @Test
  void recoversTheLawFromNoiselessCurves() {
    Fit fit = new Fitter().fit(new Kaplan(), sweep(SIZES, 0, 1));

    for (int i = 0; i < TRUTH.length; i++) {
      Parameter p = fit.parameters().get(i);
      assertThat(p.value() / TRUTH[i])
          .as(p.toString())
          .isCloseTo(1, org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void forecastsTheLargerModelsCurveFromTheSmallerOnes() {
    int covered = 0;
    int total = 0;
    for (long seed = 1; seed <= 10; seed++) {
      Fit fit = new Fitter().fit(new Kaplan(), sweep(SIZES, 0.01, seed));
      Series larger = sweep(new double[] {LARGER}, 0.01, 100 + seed);

      assertThat(fit.rmsle(larger)).as("seed %d", seed).isLessThan(0.03);
      for (int j = 0; j < larger.size(); j++) {
        covered += fit.band(larger.x(j), larger.x2(j)).contains(larger.y(j)) ? 1 : 0;
        total++;
      }
      for (int i = 0; i < TRUTH.length; i++) {
        Parameter p = fit.parameters().get(i);
        assertThat(p.lower()).as("seed %d %s", seed, p).isLessThan(p.upper());
      }
    }
    assertThat(covered / (double) total).isGreaterThan(0.85);
  }
}
