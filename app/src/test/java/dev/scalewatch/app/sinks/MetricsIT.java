package dev.scalewatch.app.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.app.testing.LocalReceiver;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.sinks.route.Receiver;
import dev.scalewatch.sinks.route.ReceiverType;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a running stack, after some traffic (points through the gateway, one of
 * them 10 minutes older than the rest, a record the normalizer dead-letters, a fit, an alert
 * delivered to a webhook), shows every listed metric with the values that traffic implies; the
 * Grafana dashboard queries only metrics the endpoint has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path DASHBOARD =
      Path.of("..", "grafana", "dashboards", "scalewatch-metrics.json");
  private static final String TOKEN = "token-metrics";
  private static final long T0 = 1_767_225_600_000L;
  private static final int POINTS = 40;
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  private static final String LATE_RUN_POINTS =
      "scalewatch_late_points_total{job=\"scalewatch-run-monitor\"}";

  @TempDir static Path data;
  private static int lateSent;
  private LocalReceiver hook;
  private EmbeddedStack stack;

  @BeforeAll
  void startStackAndSendTraffic() throws Exception {
    hook = LocalReceiver.start();
    stack =
        EmbeddedStack.start(
            StackConfig.ephemeral(data, Map.of(TOKEN, "m"))
                .withRouting(
                    RoutingConfig.of(
                        List.of(new Receiver("hook", ReceiverType.WEBHOOK, hook.url())),
                        Map.of("*", List.of("hook")))));
    String http = stack.httpUrl();
    StringJoiner points = new StringJoiner(",", "[", "]");
    for (String run : List.of("a", "b", "c", "d")) {
      for (int step = 1; step <= POINTS / 4; step++) {
        points.add(point(run, step, T0 + 600_000 + step));
      }
    }
    postToGateway(http, points.toString());
    // Once the run monitor's watermark has passed them, a point 10 minutes older is late.
    awaitLatePointsCounted(http);
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
      produce(Topics.FITS, "m/sweep", StackClients.fit("m", 2500), registry);
      produce(
          Topics.ALERTS,
          "spike/m",
          StackClients.alert("m", "spike/m", AlertState.FIRING),
          registry);
    }
    try (var producer =
        new KafkaProducer<>(
            StackClients.producerConfig(stack.bootstrapServers()),
            null,
            new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(Topics.RAW, "a", "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  /** Sends the late point again every few seconds until the run monitor counted one. */
  private static void awaitLatePointsCounted(String http) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (int step = POINTS; System.nanoTime() < deadline; step++) {
      postToGateway(http, "[" + point("a", step, T0) + "]");
      Thread.sleep(6000);
      if (value(StackClients.get(http + "/metrics").body(), LATE_RUN_POINTS) >= 1) {
        lateSent = step - POINTS + 1;
        return;
      }
    }
    throw new AssertionError("the run monitor counted no late point within 90 s");
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
    if (hook != null) {
      hook.close();
    }
  }

  @Test
  void shouldExposeEachListedMetricWithTheValuesTheTrafficImplies() throws Exception {
    String metrics =
        await(
            stack.httpUrl() + "/metrics",
            m ->
                value(
                            m,
                            "scalewatch_alert_deliveries_total{outcome=\"delivered\",receiver=\"hook\",type=\"webhook\"}")
                        == 1
                    && value(m, "scalewatch_dead_letters_total{reason=\"not_wire_format\"}") == 1
                    && value(m, "scalewatch_topic_records_total{topic=\"scalewatch.raw\"}")
                        == POINTS + lateSent + 1
                    && value(m, "scalewatch_late_points_total{job=\"scalewatch-sweep-fitter\"}")
                        >= 0);
    assertThat(value(metrics, "scalewatch_topic_records_total{topic=\"scalewatch.raw\"}"))
        .isEqualTo(POINTS + lateSent + 1);
    // Read from Flink. The late point sent after the others is counted by the run monitor; the
    // sweep fitter got no eval, so its counter is only present.
    assertThat(value(metrics, LATE_RUN_POINTS)).isBetween(1.0, (double) lateSent);
    assertThat(value(metrics, "scalewatch_late_points_total{job=\"scalewatch-sweep-fitter\"}"))
        .isZero();
    assertThat(value(metrics, "scalewatch_topic_records_total{topic=\"scalewatch.metrics\"}"))
        .isEqualTo(POINTS + lateSent);
    assertThat(value(metrics, "scalewatch_topic_records_total{topic=\"scalewatch.dead-letters\"}"))
        .isEqualTo(1);
    assertThat(value(metrics, "scalewatch_alerts_total{kind=\"LOSS_SPIKE\",state=\"FIRING\"}"))
        .isEqualTo(1);
    assertThat(value(metrics, "scalewatch_alerts_firing{kind=\"LOSS_SPIKE\"}")).isEqualTo(1);
    assertThat(value(metrics, "scalewatch_fits_total{scope=\"sweep\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "scalewatch_fit_duration_seconds_count{scope=\"sweep\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(metrics, "scalewatch_fit_duration_seconds_max{scope=\"sweep\"}"))
        .isGreaterThanOrEqualTo(0.0025);
    assertThat(
            value(metrics, "scalewatch_fit_duration_seconds_bucket{scope=\"sweep\",le=\"0.005\"}"))
        .isGreaterThanOrEqualTo(1);
    for (String consumer : List.of("normalizer", "store-sink", "alert-routing")) {
      assertThat(value(metrics, "scalewatch_consumer_lag_records{consumer=\"" + consumer + "\"}"))
          .as(consumer)
          .isBetween(0.0, (double) POINTS + 10);
    }
    assertThat(value(metrics, "scalewatch_normalizer_delay_seconds")).isGreaterThanOrEqualTo(0);
    assertThat(value(metrics, "scalewatch_alert_queue{receiver=\"hook\"}")).isZero();
    assertThat(
            value(
                metrics,
                "scalewatch_alert_deliveries_total{outcome=\"failed\",receiver=\"hook\",type=\"webhook\"}"))
        .isZero();
  }

  @Test
  void shouldQueryOnlyMetricsTheEndpointHasInTheGrafanaDashboard() throws Exception {
    JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.path("panels").size()).isGreaterThan(10);
    Set<String> queried = new TreeSet<>();
    Pattern names = Pattern.compile("\\b((?:scalewatch|jvm|process)_[a-z_]+)\\b");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("prometheus");
      for (JsonNode target : panel.path("targets")) {
        Matcher name = names.matcher(target.path("expr").asText());
        while (name.find()) {
          queried.add(name.group(1));
        }
      }
    }
    assertThat(queried).contains("scalewatch_topic_records_total", "scalewatch_late_points_total");
    // The counters read from Flink appear after its first poll.
    String metrics = await(stack.httpUrl() + "/metrics", m -> exposed(m).containsAll(queried));
    assertThat(exposed(metrics)).containsAll(queried);
  }

  private static Set<String> exposed(String metrics) {
    Set<String> names = new TreeSet<>();
    for (String line : metrics.split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (sample.matches()) {
        names.add(sample.group(1));
      }
    }
    return names;
  }

  private static String point(String run, int step, long eventTime) {
    return "{\"run_id\":\""
        + run
        + "\",\"step\":"
        + step
        + ",\"metric\":\"train/loss\",\"value\":"
        + (2 + 10 * Math.pow(step, -0.3))
        + ",\"event_time\":"
        + eventTime
        + "}";
  }

  private <T extends SpecificRecord> void produce(
      String topic, String key, T value, SchemaRegistryClient registry) throws Exception {
    try (var producer =
        new KafkaProducer<>(
            StackClients.producerConfig(stack.bootstrapServers()),
            null,
            new AvroKafkaSerializer<T>(registry))) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /**
   * The value of the sample named exactly so (labels in the endpoint's order), or NaN if absent.
   */
  static double value(String metrics, String sample) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : metrics.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (!line.startsWith("#") && space > 0) {
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return samples.getOrDefault(sample, Double.NaN);
  }

  private static String await(String url, Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = get(url);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not within " + WAIT + ": " + url + " answered\n" + last);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response = StackClients.get(url);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return response.body();
  }

  private static void postToGateway(String http, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(http + "/v1/metrics"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }
}
