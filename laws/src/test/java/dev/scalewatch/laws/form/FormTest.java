package dev.scalewatch.laws.form;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormTest {

  @Test
  void shouldMatchThePublishedBnslFormula() {
    Bnsl form = Bnsl.withBreaks(2);
    double[] p = {0.1, 5, 0.4, -0.8, 100, 0.3, 1.2, 1000, 0.3};
    double[] theta = form.toInternal(p);
    for (double x : new double[] {1, 37, 100, 999, 1e5}) {
      double expected =
          p[0]
              + p[1]
                  * Math.pow(x, -p[2])
                  * Math.pow(1 + Math.pow(x / p[4], 1 / p[5]), -p[3] * p[5])
                  * Math.pow(1 + Math.pow(x / p[7], 1 / p[8]), -p[6] * p[8]);
      assertThat(form.value(theta, x)).isCloseTo(expected, within(1e-12 * expected));
    }
  }

  @Test
  void shouldMatchTheChinchillaFormula() {
    Chinchilla form = new Chinchilla();
    double[] p = {1.69, 406.4, 0.34, 410.7, 0.28};
    double n = 7e10;
    double d = 1.4e12;
    double expected = p[0] + p[1] / Math.pow(n, p[2]) + p[3] / Math.pow(d, p[4]);
    double actual = Math.exp(form.logValue(form.toInternal(p), Math.log(n), Math.log(d), null));
    assertThat(actual).isCloseTo(expected, within(1e-12 * expected));
  }

  @Test
  void shouldMatchTheKaplanFormula() {
    Kaplan form = new Kaplan();
    double[] p = {8.8e13, 0.076, 2.1e3, 0.76};
    double n = 3e8;
    double s = 2e4;
    double expected = Math.pow(p[0] / n, p[1]) + Math.pow(p[2] / s, p[3]);
    double actual = Math.exp(form.logValue(form.toInternal(p), Math.log(n), Math.log(s), null));
    assertThat(actual).isCloseTo(expected, within(1e-12 * expected));
  }

  @Test
  void shouldHaveAnalyticGradientsThatMatchFiniteDifferences() {
    List<Form> forms =
        List.of(
            Bnsl.powerLaw(),
            Bnsl.powerLawWithFloor(),
            Bnsl.withBreaks(3),
            new Chinchilla(),
            new Kaplan());
    List<double[]> params =
        List.of(
            new double[] {5, 0.3},
            new double[] {0.5, 5, 0.3},
            new double[] {0.05, 3, 0.1, 0.8, 30, 0.2, -0.6, 1000, 0.2, 0.9, 30000, 0.3},
            new double[] {1.8, 480, 0.35, 2000, 0.37},
            new double[] {8.8e13, 0.076, 2.1e12, 0.76});
    for (int f = 0; f < forms.size(); f++) {
      Form form = forms.get(f);
      double[] theta = form.toInternal(params.get(f));
      for (double t : new double[] {Math.log(3), Math.log(800), Math.log(2e4)}) {
        double t2 = Math.log(1e11);
        double[] g = new double[theta.length];
        form.logValue(theta, t, t2, g);
        for (int i = 0; i < theta.length; i++) {
          double h = 1e-6;
          double[] up = theta.clone();
          double[] down = theta.clone();
          up[i] += h;
          down[i] -= h;
          double numeric =
              (form.logValue(up, t, t2, null) - form.logValue(down, t, t2, null)) / (2 * h);
          assertThat(g[i])
              .as("%s d/d%s", form.name(), form.parameterNames().get(i))
              .isCloseTo(numeric, within(1e-6 * Math.max(1, Math.abs(numeric))));
        }
      }
    }
  }

  @Test
  void shouldRoundTripNaturalParameters() {
    Bnsl form = Bnsl.withBreaks(1);
    double[] p = {0.414, 2.277, 0.0551, 5.663, 612.6, 0.0592};
    assertThat(form.toNatural(form.toInternal(p))).containsExactly(p, within(1e-12));
  }

  @Test
  void shouldNameTheParameterThatMustBePositive() {
    assertThatThrownBy(() -> Bnsl.withBreaks(1).toInternal(new double[] {0.4, 2, 0.1, 1, -5, 0.1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bnsl-1.d1 must be > 0: -5");
  }

  @Test
  void shouldFindEveryFormByItsName() {
    for (Form f :
        List.of(
            Bnsl.powerLaw(),
            Bnsl.powerLawWithFloor(),
            Bnsl.withBreaks(2),
            new Bnsl(3, false),
            new Chinchilla(),
            new Kaplan())) {
      assertThat(Forms.byName(f.name())).isEqualTo(f);
    }
    assertThatThrownBy(() -> Forms.byName("bnsl-7")).hasMessageContaining("'bnsl-7'");
  }

  @Test
  void shouldRejectMoreThanThreeBreaks() {
    assertThatThrownBy(() -> Bnsl.withBreaks(4))
        .hasMessageContaining("form.breaks must be in 0..3: 4");
  }
}
