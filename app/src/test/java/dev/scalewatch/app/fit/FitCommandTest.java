package dev.scalewatch.app.fit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FitCommandTest {

  private static final Path EMERGENT = Path.of("../data/obsscaling_emergent.csv");

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new FitCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  /** y = 1.5 + 20 x^-0.3 at n log-spaced x in 1e3..1e8, with a header. */
  private Path powerLawFile(int n) throws IOException {
    StringBuilder s = new StringBuilder("x,y\n");
    for (int i = 0; i < n; i++) {
      double x = 1e3 * Math.pow(1e5, i / (double) (n - 1));
      s.append(String.format(Locale.ROOT, "%s,%s%n", x, 1.5 + 20 * Math.pow(x, -0.3)));
    }
    return write("law.csv", s.toString());
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  /** Issue 9: exactly 4 points, as a family or as what --holdout leaves, crashed the selection. */
  @Test
  void issue9ShouldFitA4SizeFamilyAndA4PointHoldoutRemainder() {
    int family =
        run(
            EMERGENT.toString(),
            "--task",
            "arithmetic_2da_2_acc",
            "--x",
            "params",
            "--family",
            "StarCoder",
            "--higher-is-better");
    assertThat(family).as(err.toString()).isZero();
    assertThat(out.toString()).contains("points: 4 fitted");
    int heldOut =
        run(
            EMERGENT.toString(),
            "--task",
            "arithmetic_2da_2_acc",
            "--x",
            "params",
            "--family",
            "GPT-Neo/J",
            "--higher-is-better",
            "--holdout",
            "1");
    assertThat(heldOut).as(err.toString()).isZero();
    assertThat(out.toString()).contains("points: 4 fitted, 1 held out");
  }

  /** Issue 9: a failed fit suggested --higher-is-better to a user who had passed it. */
  @Test
  void issue9ShouldNotSuggestAnOptionTheUserAlreadyGave() throws IOException {
    Path same = write("same-x.csv", "x,y\n1e9,0.2\n1e9,0.3\n1e9,0.25\n1e9,0.22\n1e9,0.28\n");
    int code = run(same.toString(), "--higher-is-better");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("no candidate could be selected: 0 break(s): fit failed: no usable start")
        .contains("--form power-law-floor")
        .doesNotContain("pass --higher-is-better");
    err.getBuffer().setLength(0);
    int lower = run(same.toString(), "--form", "power-law-floor");
    assertThat(lower).isEqualTo(2);
    assertThat(err.toString())
        .contains("pass --higher-is-better")
        .contains("another --form than power-law-floor");
  }

  @Test
  void shouldFitAllButTheHeldOutPointsAndReportTheirError() throws IOException {
    int code = run(powerLawFile(20).toString(), "--holdout", "4", "--form", "power-law-floor");
    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text)
        .contains("law: power-law-floor")
        .contains("points: 16 fitted, 4 held out")
        .contains("a      = 1.50000")
        .contains("held-out points")
        .contains("forecasts")
        .contains("fit time:");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("held-out ([0-9.e+-]+)").matcher(text);
    assertThat(m.find()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isLessThan(1e-6);
  }

  @Test
  void shouldChooseTheNumberOfBreaksAndSayWhichCriterionWon() throws IOException {
    int code = run(powerLawFile(20).toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("chosen: 0 break(s), decided by")
        .contains("0 break(s): AICc")
        .contains("1 break(s): not fitted: the fit with 0 break(s) is exact");
  }

  @Test
  void shouldPrintOneJsonObjectWithTheSameContentAndTheFitTime() throws IOException {
    int code = run(powerLawFile(20).toString(), "--holdout", "3", "--json", "--target", "1.6");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("law").path("form").asText()).isEqualTo("power-law-floor");
    assertThat(json.path("parameters")).hasSize(3);
    assertThat(json.path("parameters").get(0).path("value").asDouble()).isBetween(1.49, 1.51);
    assertThat(json.path("points").path("heldOut").asInt()).isEqualTo(3);
    assertThat(json.path("rmsle").path("heldOut").asDouble()).isLessThan(1e-3);
    assertThat(json.path("heldOutPoints")).hasSize(3);
    assertThat(json.path("forecasts")).hasSize(3);
    assertThat(json.path("selection").path("decidedBy").asText()).isNotEmpty();
    assertThat(json.path("target").path("status").asText()).isEqualTo("FORECAST");
    // 1.5 + 20 x^-0.3 = 1.6  =>  x = 200^(1/0.3)
    assertThat(json.path("target").path("x").asDouble())
        .isBetween(0.9 * Math.pow(200, 1 / 0.3), 1.1 * Math.pow(200, 1 / 0.3));
    assertThat(json.path("fitTimeMs").asDouble()).isPositive();
    assertThat(json.path("intervals").asText()).startsWith("Jacobian");
  }

  @Test
  void shouldFitTheLongFormatForOneTaskAxisAndFamily() {
    int code =
        run(
            EMERGENT.toString(),
            "--task",
            "arithmetic_2da_2_acc",
            "--x",
            "params",
            "--family",
            "OPT",
            "--higher-is-better",
            "--form",
            "power-law-floor",
            "--holdout",
            "2");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("fitted quantity: 1.0 - y")
        .contains("points: 6 fitted, 2 held out");
  }

  @Test
  void shouldFitChinchillaFromModelSizeTokensAndLoss() throws IOException {
    StringBuilder s = new StringBuilder("n,d,loss\n");
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        double n = 1e7 * Math.pow(1e3, i / 5.0);
        double d = 1e9 * Math.pow(1e3, j / 5.0);
        double loss = 1.817 + 482.0 / Math.pow(n, 0.348) + 2085.4 / Math.pow(d, 0.366);
        s.append(String.format(Locale.ROOT, "%s,%s,%s%n", n, d, loss));
      }
    }
    int code = run(write("nd.csv", s.toString()).toString(), "--form", "chinchilla", "--json");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("law").path("form").asText()).isEqualTo("chinchilla");
    assertThat(json.path("parameters").get(2).path("name").asText()).isEqualTo("alpha");
    assertThat(json.path("parameters").get(2).path("value").asDouble()).isBetween(0.347, 0.349);
    assertThat(json.path("forecasts").get(0).has("x2")).isTrue();
  }

  @Test
  void shouldFitTheShippedChinchillaPointsWithHuberLossAndBootstrapIntervals() throws IOException {
    int code =
        run(
            "../data/chinchilla_svg_extracted.csv",
            "--form",
            "chinchilla",
            "--loss",
            "huber",
            "--json");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("law").path("loss").asText()).isEqualTo("huber");
    assertThat(json.path("intervals").asText()).startsWith("case bootstrap, 200 resamples");
    JsonNode alpha = json.path("parameters").get(2);
    assertThat(alpha.path("lower").asDouble()).isLessThan(alpha.path("value").asDouble());
    assertThat(alpha.path("upper").asDouble()).isGreaterThan(alpha.path("value").asDouble());
  }

  @Test
  void shouldForecastTheLargestModelsCurveWithKaplansLawOfSizeAndStep() throws IOException {
    StringBuilder s = new StringBuilder("params,step,loss\n");
    for (double n : new double[] {1e6, 1e7, 1e8, 1e9}) {
      for (int j = 0; j < 10; j++) {
        double step = 1e3 * Math.pow(200, j / 9.0);
        double loss = Math.pow(8.8e13 / n, 0.076) + Math.pow(2.1e3 / step, 0.76);
        s.append(String.format(Locale.ROOT, "%s,%s,%s%n", n, step, loss));
      }
    }
    int code =
        run(
            write("sweep.csv", s.toString()).toString(),
            "--form",
            "kaplan",
            "--holdout",
            "10",
            "--json");
    assertThat(code).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("law").path("form").asText()).isEqualTo("kaplan");
    assertThat(json.path("parameters").get(1).path("name").asText()).isEqualTo("aN");
    assertThat(json.path("rmsle").path("heldOut").asDouble()).isLessThan(1e-3);
  }

  @Test
  void shouldRejectAnUnknownLoss() throws IOException {
    assertThat(run(powerLawFile(8).toString(), "--loss", "l1")).isEqualTo(2);
    assertThat(err.toString()).contains("--loss must be squared or huber: 'l1'");
  }

  @Test
  void shouldWriteAPlotWithPointsFitBandAndBreaks() throws IOException {
    Path png = dir.resolve("plots/fit.png");
    int code =
        run(
            powerLawFile(20).toString(),
            "--holdout",
            "3",
            "--breaks",
            "1",
            "--plot",
            png.toString());
    assertThat(code).as(err.toString()).isZero();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).isGreaterThan(1000);
    assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("PNG");
  }

  @Test
  void shouldRejectAnEmptyFile() throws IOException {
    assertThat(run(write("empty.csv", "\n").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("empty.csv is empty");
  }

  @Test
  void shouldNameTheLineAndFieldOfANonNumericCell() throws IOException {
    assertThat(run(write("bad.csv", "x,y\n1,2\n2,abc\n").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.csv line 3: y is not a number: 'abc'");
  }

  @Test
  void shouldNameTheLineOfANonPositiveX() throws IOException {
    assertThat(run(write("zero.csv", "1,2\n0,3\n").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("zero.csv line 2: x must be finite and > 0");
  }

  @Test
  void shouldNameTheLineOfANaNRow() throws IOException {
    assertThat(run(write("nan.csv", "x,y\n1,2\n2,3\n3,NaN\n").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nan.csv line 4: row contains NaN");
  }

  @Test
  void shouldSayHowManyPointsTheFormNeeds() throws IOException {
    assertThat(run(powerLawFile(6).toString(), "--breaks", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("needs at least 7 points (6 parameters + 1): got 6");
  }

  @Test
  void shouldRejectAHoldoutAsLargeAsTheData() throws IOException {
    assertThat(run(powerLawFile(8).toString(), "--holdout", "8")).isEqualTo(2);
    assertThat(err.toString()).contains("--holdout must be in 0..7").contains("use at most 7");
  }

  @Test
  void shouldAskForTaskAndAxisOnALongFile() {
    assertThat(run(EMERGENT.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("choose rows with --task and --x")
        .contains("arithmetic_2da_2_acc")
        .contains("train_flops");
  }
}
