package dev.scalewatch.sinks.api;

import static dev.scalewatch.sinks.store.TestRecords.T0;
import static dev.scalewatch.sinks.store.TestRecords.alert;
import static dev.scalewatch.sinks.store.TestRecords.fit;
import static dev.scalewatch.sinks.store.TestRecords.point;
import static dev.scalewatch.sinks.store.TestRecords.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.sinks.store.Batch;
import dev.scalewatch.sinks.store.Store;
import dev.scalewatch.sinks.store.StoreWriter;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over a real DuckDB store and a real Javalin server on a free loopback port. */
class StoreApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static Store store;
  private static Javalin app;

  @BeforeAll
  static void start() throws Exception {
    store = Store.openDuckDb(dir.resolve("scalewatch.duckdb"));
    Batch batch =
        new Batch()
            .add(run("r1", RunStatus.RUNNING))
            .add(fit("p/wino/accuracy/params", "wino", 1, -0.1))
            .add(fit("p/wino/accuracy/params", "wino", 2, -0.2))
            .add(alert("spike", AlertState.FIRING, T0))
            .add(alert("spike", AlertState.RESOLVED, T0))
            .add(alert("stall", AlertState.FIRING, T0.plusSeconds(9)));
    for (long step = 0; step < 10_000; step++) {
      batch.add(
          point("r1", "train/loss", step, step == 4321 ? 99.0 : step == 50 ? Double.NaN : 2.0));
    }
    try (StoreWriter writer = store.writer()) {
      writer.write(batch);
    }
    app = Javalin.create(config -> config.showJavalinBanner = false);
    new StoreApi(store.reader()).addRoutes(app);
    app.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    app.stop();
    store.close();
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void shouldListRunsWithStatusLastStepAndLastLoss() throws Exception {
    JsonNode run = ok("/api/runs").get("runs").get(0);

    assertThat(run.get("run_id").asText()).isEqualTo("r1");
    assertThat(run.get("status").asText()).isEqualTo("RUNNING");
    assertThat(run.get("last_step").asLong()).isEqualTo(9999);
    assertThat(run.get("last_loss").get("value").asDouble()).isEqualTo(2.0);
  }

  @Test
  void shouldServeADownsampledSeriesWithTheSpikeAndNanAsAString() throws Exception {
    JsonNode series = ok("/api/runs/p/r1/series?metric=train/loss&buckets=100");

    assertThat(series.get("bucket_steps").asLong()).isEqualTo(100);
    assertThat(series.get("buckets")).hasSize(100);
    JsonNode spike = series.get("buckets").get(43);
    assertThat(spike.get("max").asDouble()).isEqualTo(99.0);
    JsonNode first = series.get("buckets").get(0);
    assertThat(first.get("nan_count").asLong()).isEqualTo(1);

    JsonNode zoomed = ok("/api/runs/p/r1/series?metric=train/loss&from=50&to=50");
    assertThat(zoomed.get("buckets").get(0).get("last_value").asText()).isEqualTo("NaN");
    assertThat(zoomed.get("buckets").get(0).get("min").isNull()).isTrue();
  }

  @Test
  void shouldServeTheLatestFitPerKeyAndAKeysHistory() throws Exception {
    assertThat(ok("/api/fits?project=p&task=wino").get("fits"))
        .singleElement()
        .satisfies(f -> assertThat(f.get("sequence").asLong()).isEqualTo(2));
    assertThat(ok("/api/fits?project=p&key=p/wino/accuracy/params").get("fits")).hasSize(2);
  }

  @Test
  void shouldServeAlertsByCurrentState() throws Exception {
    assertThat(ok("/api/alerts?state=firing").get("alerts"))
        .extracting(a -> a.get("id").asText())
        .containsExactly("stall");
    assertThat(ok("/api/alerts?state=RESOLVED").get("alerts"))
        .extracting(a -> a.get("id").asText())
        .containsExactly("spike");
    assertThat(ok("/api/alerts").get("alerts")).hasSize(2);
  }

  @Test
  void shouldAnswer400NamingTheParameterAndValue() throws Exception {
    assertBadRequest(
        "/api/runs/p/r1/series?metric=train/loss&buckets=abc",
        "buckets",
        "parameter 'buckets' must be a whole number: 'abc'");
    assertBadRequest(
        "/api/runs/p/r1/series?metric=train/loss&buckets=0",
        "buckets",
        "parameter 'buckets' must be between 1 and 100000: 0");
    assertBadRequest(
        "/api/runs/p/r1/series",
        "metric",
        "parameter 'metric' is required, e.g. metric=train/loss");
    assertBadRequest(
        "/api/runs/p/r1/series?metric=loss&from=9&to=3",
        "to",
        "parameter 'to' must be >= 'from': 3 < 9");
    assertBadRequest(
        "/api/alerts?state=open", "state", "state must be one of firing, resolved, all: 'open'");
    assertBadRequest(
        "/api/runs?projct=p", "projct", "unknown parameter 'projct': this endpoint takes project");
    assertBadRequest(
        "/api/fits?key=k", "project", "parameter 'project' is required with 'key' (key=k)");
  }

  private static void assertBadRequest(String pathAndQuery, String parameter, String error)
      throws Exception {
    HttpResponse<String> response = get(pathAndQuery);
    assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("parameter").asText()).isEqualTo(parameter);
    assertThat(body.get("error").asText()).isEqualTo(error);
  }
}
