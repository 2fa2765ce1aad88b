package dev.scalewatch.app.web;

import static dev.scalewatch.app.testing.StackClients.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.testing.Chromium;
import dev.scalewatch.app.testing.ObsScalingReplay;
import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.ingest.client.RunOptions;
import dev.scalewatch.ingest.client.TrainingRun;
import dev.scalewatch.schemas.RunStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in headless Chromium against the embedded stack: the shipped ObsScaling sweep
 * replayed and two training runs sent through the JVM client; the task page draws the sweep's
 * points, the fitted law and its band exactly as the store holds them; a point sent while the run
 * page is open appears on its chart without a reload within 2 s; the alert feed links to the
 * evidence. Screenshots of each page land in {@code target/screenshots/}.
 */
class DashboardIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DATA = ObsScalingReplay.DATA;
  private static final String TASK = "arithmetic_2da_2_acc";
  private static final String FAMILY = "GPT-Neo/J";
  private static final String SWEEP_KEY = "obsscaling/GPT-Neo%2FJ/" + TASK + "/acc/params";
  private static final String SERIES = "series:train/loss:train";
  private static final int STEPS = 300;
  private static final double SPIKE = 5;
  private static final long TOKENS_PER_STEP = 4096;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension static final RunningStack stack = new RunningStack();

  private static Chromium browser;
  private static TrainingRun live;

  @BeforeAll
  static void sendRunsAndSweep() throws Exception {
    live =
        TrainingRun.init(
            run("live")
                .params(124_000_000)
                .tokensPlanned(600 * TOKENS_PER_STEP)
                .config(
                    Map.of(
                        "lr_schedule", "wsd",
                        "lr_max", 1e-3,
                        "lr_warmup_steps", 10,
                        "lr_decay_steps", 100,
                        "lr_total_steps", 600))
                .build());
    for (int step = 1; step <= STEPS; step++) {
      double loss = 2 + 8 * Math.pow(step, -0.5);
      // Three elevated points, then back: a spike that fires and resolves.
      live.log(
          Map.of(
              "train/loss",
              step >= 120 && step < 123 ? SPIKE * loss : loss,
              "optim/lr",
              1e-3 * Math.min(1, step / 10.0)),
          step,
          tokens(step));
    }
    try (TrainingRun diverges = TrainingRun.init(run("diverges").params(350_000_000).build())) {
      for (int step = 1; step <= 200; step++) {
        double loss = step < 170 ? 2.5 + 6 * Math.pow(step, -0.4) : Double.NaN;
        diverges.log(Map.of("train/loss", loss), step, tokens(step));
      }
      diverges.finish(RunStatus.FAILED);
    }
    ObsScalingReplay.replay(stack);
    browser = Chromium.start(1360, 1000);
  }

  @AfterAll
  static void stop() throws Exception {
    if (live != null) {
      live.close();
    }
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void shouldDrawTheSweepAndItsLawAndShowANewPointWithoutReload() throws Exception {
    String http = stack.httpUrl();
    await(http + "/api/fits?project=it&run=live", f -> f.get("fits").size() > 0);
    await(http + "/api/alerts?project=it&state=resolved", a -> a.get("alerts").size() > 0);
    await(
        http + "/api/fits?project=obsscaling&key=" + encode(SWEEP_KEY),
        f -> f.get("fits").size() > 0);

    // The runs list: every run, with its status.
    open(http + "/#/");
    JsonNode runs = json(http + "/api/runs");
    assertThat(browser.eval("return document.querySelector('#runs').dataset.rows"))
        .isEqualTo(String.valueOf(runs.get("runs").size()));
    assertThat(
            browser.eval("return document.querySelector('[data-run=\"it/diverges\"]').innerText"))
        .asString()
        .contains("FAILED");
    browser.screenshot("runs");

    // The task page: the points of the sweep, the fitted law and its band, as stored.
    JsonNode alert =
        emergenceOf(
            await(
                http + "/api/alerts?project=obsscaling&state=firing", a -> emergenceOf(a) != null));
    open(http + "/#/task/obsscaling/" + TASK);
    JsonNode drawn = chart("sweep:" + SWEEP_KEY);
    JsonNode fit = fitOf(http, drawn.get("sequence").asLong());
    assertThat(drawn.get("points")).hasSize(csvPoints().size());
    for (double[] row : csvPoints()) {
      assertThat(drawn.get("points"))
          .as("point %s", List.of(row[0], row[1]))
          .anySatisfy(
              p -> {
                assertThat(p.get("x").asDouble()).isEqualTo(row[0]);
                assertThat(p.get("y").asDouble()).isEqualTo(row[1]);
              });
    }
    assertThat(fit.get("band").size()).isGreaterThan(2);
    assertThat(drawn.get("band")).hasSize(fit.get("band").size());
    for (int i = 0; i < fit.get("band").size(); i++) {
      JsonNode stored = fit.get("band").get(i);
      assertThat(drawn.get("curve").get(i).get("x").asDouble())
          .isEqualTo(stored.get("x").asDouble());
      assertThat(drawn.get("curve").get(i).get("y").asDouble())
          .isEqualTo(stored.get("y").asDouble());
      assertThat(drawn.get("band").get(i).get("lower").asDouble())
          .isEqualTo(stored.get("lower").asDouble());
      assertThat(drawn.get("band").get(i).get("upper").asDouble())
          .isEqualTo(stored.get("upper").asDouble());
    }
    List<Double> breaks = new ArrayList<>();
    fit.get("breaks").forEach(b -> breaks.add(b.get("location").asDouble()));
    List<Double> drawnBreaks = new ArrayList<>();
    drawn.get("breaks").forEach(b -> drawnBreaks.add(b.asDouble()));
    assertThat(drawnBreaks).isEqualTo(breaks);
    assertThat(drawn.get("markers")).hasSize(1);
    JsonNode marker = drawn.get("markers").get(0);
    assertThat(marker.get("label").asText()).isEqualTo("emergence");
    assertThat(marker.get("x").asDouble()).isEqualTo(alert.get("predicted_x").asDouble());
    for (String edge : List.of("lower", "upper")) {
      assertThat(marker.get("interval").get(edge).asDouble())
          .isEqualTo(alert.get("predicted_x_interval").get(edge).asDouble());
    }
    browser.screenshot("task");

    // The run page: the loss with its learning-curve fit, then a new point without a reload.
    open(http + "/#/run/it/live");
    JsonNode series = chart(SERIES);
    assertThat(series.get("last_step").asLong()).isEqualTo(STEPS);
    assertThat(series.get("point_count").asLong()).isEqualTo(STEPS);
    assertThat(series.get("max").asDouble())
        .as("the spike survives downsampling")
        .isCloseTo(SPIKE * (2 + 8 * Math.pow(120, -0.5)), within(1e-9));
    assertThat(series.get("fit").get("band").size()).isGreaterThan(2);
    assertThat(series.get("fit").get("key").asText())
        .as("the run logs its learning rate and plan: the schedule-aware fit is drawn")
        .isEqualTo("it/live/train/loss/steps/lr_annealing");
    browser.screenshot("run");
    browser.eval("window.notReloaded = true");
    long sent = System.nanoTime();
    live.log(Map.of("train/loss", 2.3), STEPS + 1, tokens(STEPS + 1));
    browser.await(
        Duration.ofSeconds(10),
        d ->
            Long.valueOf(STEPS + 1)
                .equals(
                    browser.eval(
                        "return window.scalewatch.charts[arguments[0]].last_step", SERIES)));
    Duration shownAfter = Duration.ofNanos(System.nanoTime() - sent);
    System.out.printf(
        "DashboardIT: a new point was on the chart %d ms after it was sent%n",
        shownAfter.toMillis());
    assertThat(shownAfter).isLessThan(Duration.ofSeconds(2));
    assertThat(browser.eval("return window.notReloaded === true")).isEqualTo(true);

    // The alert feed: firing and resolved, each linking to its evidence.
    open(http + "/#/alerts");
    assertThat(browser.eval("return document.querySelectorAll('[data-state=RESOLVED]').length"))
        .isNotEqualTo(0L);
    assertThat(browser.eval("return document.querySelectorAll('[data-state=FIRING]').length"))
        .isNotEqualTo(0L);
    assertThat(
            browser.eval(
                "return [...document.querySelectorAll('[data-state=RESOLVED] .evidence-link')]"
                    + ".map(a => a.getAttribute('href')).join(' ')"))
        .asString()
        .contains("#/run/it/live?metric=train%2Floss");
    browser.screenshot("alerts");
  }

  /** The sweep's EMERGENCE alert in an {@code /api/alerts} answer, or null. */
  private static JsonNode emergenceOf(JsonNode answer) {
    for (JsonNode alert : answer.get("alerts")) {
      if (alert.get("kind").asText().equals("EMERGENCE")
          && TASK.equals(alert.get("task").asText())
          && FAMILY.equals(alert.get("labels").path("model_family").asText())) {
        return alert;
      }
    }
    return null;
  }

  /** The (x = parameters, y = accuracy) rows of the sweep in the shipped file. */
  private static List<double[]> csvPoints() throws Exception {
    List<double[]> points = new ArrayList<>();
    for (String line : Files.readAllLines(DATA).subList(1, Files.readAllLines(DATA).size())) {
      String[] row = line.split(",");
      if (row[0].startsWith(FAMILY + "|") && row[1].equals(TASK) && row[2].equals("params")) {
        points.add(new double[] {Double.parseDouble(row[3]), Double.parseDouble(row[5])});
      }
    }
    assertThat(points).hasSizeGreaterThan(3);
    return points;
  }

  private static JsonNode fitOf(String http, long sequence) throws Exception {
    for (JsonNode fit :
        json(http + "/api/fits?project=obsscaling&key=" + encode(SWEEP_KEY)).get("fits")) {
      if (fit.get("sequence").asLong() == sequence) {
        return fit;
      }
    }
    throw new AssertionError(
        "the page drew fit #" + sequence + " of " + SWEEP_KEY + ", not stored");
  }

  private static void open(String url) {
    browser.driver().get(url);
    browser.await(WAIT, d -> Boolean.TRUE.equals(browser.eval("return window.scalewatch.ready")));
  }

  /** What the page drew in chart {@code id}, read in one go (a live refresh may follow). */
  private static JsonNode chart(String id) throws Exception {
    browser.await(
        WAIT, d -> browser.eval("return window.scalewatch.charts[arguments[0]] != null", id));
    return JSON.readTree(
        (String) browser.eval("return JSON.stringify(window.scalewatch.charts[arguments[0]])", id));
  }

  private static RunOptions.Builder run(String id) {
    return RunOptions.builder("it")
        .runId(id)
        .bootstrapServers(stack.bootstrapServers())
        .registryUrl(stack.registryUrl());
  }

  private static Double tokens(long step) {
    return (double) (step * TOKENS_PER_STEP);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static JsonNode json(String url) throws Exception {
    return JSON.readTree(get(url).body());
  }

  private static JsonNode await(String url, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = json(url);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + WAIT + ": " + url + " answered " + last);
  }
}
