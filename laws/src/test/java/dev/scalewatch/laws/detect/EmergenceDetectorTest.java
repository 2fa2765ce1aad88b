package dev.scalewatch.laws.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmergenceDetectorTest {

  private static final Path DATA = Path.of("../data/obsscaling_emergent.csv");
  private final EmergenceDetector detector = EmergenceDetector.forBound(1.0);

  @Test
  void shouldFlagTwoDigitAdditionInGptNeoJBetween2_7BAnd6B() throws IOException {
    Emergence e =
        detector.detect(
            column("GPT-Neo/J", "arithmetic_2da_2_acc", 3),
            column("GPT-Neo/J", "arithmetic_2da_2_acc", 5));
    assertThat(e.emergent()).as(e.reason()).isTrue();
    assertThat(e.xBefore()).isEqualTo(2.7e9);
    assertThat(e.xAfter()).isEqualTo(6.05e9);
    assertThat(e.jump()).isGreaterThan(0.7);
  }

  @Test
  void shouldFlagTwoDigitAdditionInPythiaBetween1_4BAnd2_8BAndSeeItFallBack() throws IOException {
    Emergence e =
        detector.detect(
            column("Pythia", "arithmetic_2da_2_acc", 3),
            column("Pythia", "arithmetic_2da_2_acc", 5));
    assertThat(e.emergent()).as(e.reason()).isTrue();
    assertThat(e.xBefore()).isEqualTo(1.4e9);
    assertThat(e.xAfter()).isEqualTo(2.8e9);
    assertThat(e.fallsBack()).isTrue();
    assertThat(e.reason()).contains("between x=1.400e+09 and x=2.800e+09");
  }

  @Test
  void shouldStayQuietOnFlatXglmAndGraduallyRisingOpt() throws IOException {
    for (String family : List.of("XGLM", "OPT")) {
      Emergence e =
          detector.detect(
              column(family, "arithmetic_2da_2_acc", 3), column(family, "arithmetic_2da_2_acc", 5));
      assertThat(e.emergent()).as(family + ": " + e.reason()).isFalse();
    }
  }

  @Test
  void shouldNotFlagSmoothlyRisingAccuracy() {
    double[] x = new double[10];
    double[] y = new double[10];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1e8 * Math.pow(2, i);
      y[i] = 0.05 + 0.09 * i; // +0.09 per doubling, from chance to 0.86
    }
    Emergence e = detector.detect(x, y);
    assertThat(e.emergent()).as(e.reason()).isFalse();
    assertThat(e.largestEarlierStep()).isCloseTo(0.09, within(1e-9));
  }

  @Test
  void shouldAverageRepeatedScales() {
    Emergence e =
        detector.detect(new double[] {1, 1, 2, 3, 4}, new double[] {0, 0.02, 0.01, 0.02, 0.9});
    assertThat(e.emergent()).isTrue();
    assertThat(e.floor()).isCloseTo(0.01, within(1e-12));
  }

  /** Column {@code col} (3 = x, 5 = y) of the rows of one family, task and the params axis. */
  static double[] column(String family, String task, int col) throws IOException {
    return Files.readAllLines(DATA).stream()
        .skip(1)
        .map(line -> line.split(","))
        .filter(f -> f[0].startsWith(family + "|") && f[1].equals(task) && f[2].equals("params"))
        .mapToDouble(f -> Double.parseDouble(f[col]))
        .toArray();
  }
}
