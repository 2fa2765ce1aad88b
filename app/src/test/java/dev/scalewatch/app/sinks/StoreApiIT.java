package dev.scalewatch.app.sinks;

import static dev.scalewatch.app.testing.StackClients.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Severity;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events sent through the gateway (and fits and alerts produced to their topics) come back over
 * {@code /api/...}; an undecodable record is skipped without stopping the sink; after a restart on
 * the same data directory the store holds every record once and the sink reads nothing twice (it
 * resumes from the offsets committed with the rows); a new point after the restart lands once.
 */
class StoreApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "token-store";
  private static final int POINTS = 500;
  private static final long NAN_STEP = 250;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path data;

  @Test
  void shouldServeWhatArrivedAndWriteNothingTwiceAcrossRestart() throws Exception {
    StackConfig config = StackConfig.ephemeral(data, Map.of(TOKEN, "it"));
    JsonNode alertsBefore;
    try (EmbeddedStack stack = EmbeddedStack.start(config)) {
      String http = stack.httpUrl();
      postToGateway(
          http,
          "/v1/runs",
          "[{\"run_id\":\"r1\",\"name\":\"first\",\"status\":\"RUNNING\",\"updated_at\":1767225600000}]");
      StringJoiner points = new StringJoiner(",", "[", "]");
      for (int step = 0; step < POINTS; step++) {
        String value =
            step == NAN_STEP ? "\"NaN\"" : String.valueOf(2 + 10 * Math.pow(step + 1, -0.3));
        points.add(
            "{\"run_id\":\"r1\",\"step\":"
                + step
                + ",\"metric\":\"train/loss\",\"value\":"
                + value
                + ",\"event_time\":"
                + (1767225600000L + step)
                + "}");
      }
      postToGateway(http, "/v1/metrics", points.toString());
      try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
        produceGarbage(stack.bootstrapServers(), Topics.METRICS);
        produce(
            stack.bootstrapServers(),
            registry,
            Topics.FITS,
            "it/sweep",
            StackClients.fit("it", 500));
        produce(
            stack.bootstrapServers(), registry, Topics.ALERTS, "spike", alert(AlertState.FIRING));
        produce(
            stack.bootstrapServers(), registry, Topics.ALERTS, "spike", alert(AlertState.RESOLVED));
      }

      JsonNode series =
          await(
              http + "/api/runs/it/r1/series?metric=train/loss&buckets=10",
              s -> s.get("point_count").asLong() == POINTS);
      assertThat(series.get("buckets")).hasSize(10);
      assertThat(series.get("buckets").get(5).get("nan_count").asLong()).isEqualTo(1);
      JsonNode run =
          await(http + "/api/runs?project=it", r -> r.get("runs").size() == 1).get("runs").get(0);
      assertThat(run.get("status").asText()).isEqualTo("RUNNING");
      assertThat(run.get("last_step").asLong()).isEqualTo(POINTS - 1);
      assertThat(run.get("last_loss").get("step").asLong()).isEqualTo(POINTS - 1);
      JsonNode alerts =
          await(http + "/api/alerts?state=resolved&project=it", a -> a.get("alerts").size() == 1);
      await(
          http + "/api/alerts?state=firing&project=it",
          a ->
              a.get("alerts").size() == 1
                  && a.get("alerts").get(0).get("kind").asText().equals("DIVERGENCE"));
      assertThat(alerts.get("alerts").get(0).get("summary").asText())
          .isEqualTo("loss spiked at step 40");
      assertThat(
              await(http + "/api/fits?project=it&task=wino", f -> f.get("fits").size() == 1)
                  .get("fits")
                  .get(0)
                  .get("form")
                  .asText())
          .isEqualTo("power_law");
      JsonNode store = awaitStoreCaughtUp(http);
      assertThat(store.get("status").asText()).isEqualTo("UP");
      assertThat(store.get("details").get("skippedRecords").asLong()).isEqualTo(1);
      alertsBefore = json(http + "/api/alerts?project=it").get("alerts");
    }

    try (EmbeddedStack stack = EmbeddedStack.start(config)) {
      String http = stack.httpUrl();
      JsonNode stored = awaitStoreCaughtUp(http).get("details").get("storedRecordsByTopic");
      // The stream jobs may publish again what they had not checkpointed; the normalizer, with no
      // new input, publishes nothing: so its topics show what the sink read twice.
      assertThat(stored.has(Topics.RUNS) || stored.has(Topics.METRICS))
          .as("records read before the restart are not written again: " + stored)
          .isFalse();
      assertThat(
              json(http + "/api/runs/it/r1/series?metric=train/loss").get("point_count").asLong())
          .isEqualTo(POINTS);
      // Each alert id once, every alert of before the restart still there (the jobs may have
      // published more since the snapshot).
      var alertsAfter = new java.util.ArrayList<JsonNode>();
      json(http + "/api/alerts?project=it").get("alerts").forEach(alertsAfter::add);
      assertThat(alertsAfter).extracting(a -> a.get("id").asText()).doesNotHaveDuplicates();
      assertThat(alertsAfter).containsAll(alertsBefore);
      assertThat(json(http + "/api/fits?project=it&key=it/sweep").get("fits")).hasSize(1);

      postToGateway(
          http,
          "/v1/metrics",
          "[{\"run_id\":\"r1\",\"step\":"
              + POINTS
              + ",\"metric\":\"train/loss\",\"value\":1.5,\"event_time\":1767225700000}]");
      await(
          http + "/api/runs/it/r1/series?metric=train/loss",
          s -> s.get("point_count").asLong() == POINTS + 1);
      // The run monitor may refit on the new point: count only what the normalizer wrote.
      assertThat(
              awaitStoreCaughtUp(http)
                  .get("details")
                  .get("storedRecordsByTopic")
                  .get(Topics.METRICS)
                  .asLong())
          .isEqualTo(1);
    }
  }

  private static JsonNode awaitStoreCaughtUp(String http) throws Exception {
    return await(
            http + "/health",
            h -> h.get("components").get("store").get("details").get("lagRecords").asLong() == 0)
        .get("components")
        .get("store");
  }

  private static JsonNode await(String url, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = get(url);
      if (response.statusCode() / 100 == 2 || url.endsWith("/health")) {
        last = JSON.readTree(response.body());
        if (done.test(last)) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + WAIT + ": " + url + " answered " + last);
  }

  private static JsonNode json(String url) throws Exception {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void postToGateway(String http, String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(http + path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private static <T extends SpecificRecord> void produce(
      String bootstrap, SchemaRegistryClient registry, String topic, String key, T value)
      throws Exception {
    try (var producer =
        new KafkaProducer<>(
            StackClients.producerConfig(bootstrap), null, new AvroKafkaSerializer<T>(registry))) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static void produceGarbage(String bootstrap, String topic) throws Exception {
    try (var producer =
        new KafkaProducer<>(
            StackClients.producerConfig(bootstrap), null, new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(topic, "r1", "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  private static Alert alert(AlertState state) {
    return Alert.newBuilder()
        .setId("spike")
        .setKind(AlertKind.LOSS_SPIKE)
        .setSeverity(Severity.WARNING)
        .setState(state)
        .setProject("it")
        .setRunId("r1")
        .setSummary("loss spiked at step 40")
        .setStartsAt(Instant.ofEpochMilli(1767225600040L))
        .setEndsAt(state == AlertState.RESOLVED ? Instant.ofEpochMilli(1767225600090L) : null)
        .build();
  }
}
