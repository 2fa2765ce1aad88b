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

  /**
   * Issue 9: every family x task series of the shipped file (params axis) scanned; the 8 series
   * flagged before stay flagged, nothing else appears, and each gets an interval on where the jump
   * is (a sigmoid up to the peak) that lies across the jump.
   */
  @Test
  void issue9ShouldFlagTheSameEightSeriesEachWithAnIntervalAcrossTheJump() throws IOException {
    java.util.Map<String, java.util.List<double[]>> series = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(DATA).subList(1, Files.readAllLines(DATA).size())) {
      String[] f = line.split(",");
      if (f[2].equals("params")) {
        series
            .computeIfAbsent(f[0].split("\\|")[0] + " " + f[1], k -> new java.util.ArrayList<>())
            .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[5])});
      }
    }
    java.util.List<String> flagged = new java.util.ArrayList<>();
    for (var e : series.entrySet()) {
      double bound = e.getKey().endsWith("bleu") ? 100 : 1;
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      Emergence em =
          EmergenceDetector.forBound(bound)
              .detect(
                  x, y, new dev.scalewatch.laws.fit.SigmoidFitter(0, bound, 0.95, 0.005 * bound));
      if (!em.emergent()) {
        assertThat(em.jumpAt().value()).isNaN();
        continue;
      }
      flagged.add(e.getKey());
      assertThat(em.sigmoid() != null).as(e.getKey()).isEqualTo(x.length >= 4);
      assertThat(em.jumpAt().lower()).as(e.getKey() + " " + em.jumpAt()).isLessThan(em.xAfter());
      assertThat(em.jumpAt().upper())
          .as(e.getKey() + " " + em.jumpAt())
          .isGreaterThan(em.xBefore());
      assertThat(em.jumpAt().upper()).as(e.getKey() + " " + em.jumpAt()).isFinite();
    }
    assertThat(flagged)
        .containsExactlyInAnyOrder(
            "GPT-Neo/J arithmetic_2da_2_acc",
            "GPT-Neo/J arithmetic_2dm_2_acc",
            "GPT-Neo/J arithmetic_3da_2_acc",
            "GPT-Neo/J arithmetic_3ds_2_acc",
            "Pythia arithmetic_2da_2_acc",
            "Pythia arithmetic_3ds_2_acc",
            "Llama-2 word_unscrambling_2_exact_match",
            "Falcon ipa_transliterate_2_bleu");
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
