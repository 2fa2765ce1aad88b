package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.TopicReader;
import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.ingest.gateway.IngestGateway;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import io.javalin.Javalin;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP gateway against the real stack: the HTTP half of the bad-input corpus (each case's
 * documented status and error), valid events of a mixed batch reaching the raw topic, and the
 * gateway still serving after all of it.
 */
class GatewayIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "token-alpha";
  private static final String OTHER_TOKEN = "token-beta";

  @RegisterExtension
  static final RunningStack stack = new RunningStack(Map.of(TOKEN, "alpha", OTHER_TOKEN, "beta"));

  /** One bad request: what is sent and what the gateway must answer. */
  record Case(
      String name,
      String path,
      String authorization,
      String body,
      int status,
      String field,
      String messagePart,
      int accepted) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A valid point as JSON, with the given fields (JSON members, comma-separated) replaced. */
  static String point(String overrides) {
    String base =
        "{\"run_id\":\"r1\",\"step\":1,\"metric\":\"loss\",\"value\":2.5,\"event_time\":1767225600000}";
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(base);
      node.setAll(
          (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree("{" + overrides + "}"));
      return node.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String withField(String event, String field, String json) {
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(event);
      node.set(field, JSON.readTree(json));
      return node.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final String EVAL =
      "{\"run_id\":\"r1\",\"step\":1,\"task\":\"arith\",\"metric\":\"acc\",\"value\":0.5,"
          + "\"event_time\":1767225600000}";
  static final String RUN = "{\"run_id\":\"r1\",\"updated_at\":1767225600000}";
  static final String BEARER = "Bearer " + TOKEN;
  static final Instant TWO_HOURS_AHEAD =
      Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);

  static Stream<Case> badInputs() {
    String huge = "x".repeat(10_000);
    String bigMap =
        IntStream.range(0, 1001)
            .mapToObj(i -> "\"k" + i + "\":\"v\"")
            .collect(Collectors.joining(",", "{", "}"));
    String manyEvents =
        Stream.generate(() -> point("")).limit(10_001).collect(Collectors.joining(",", "[", "]"));
    String manyBytes = "[" + point("\"metric\":\"" + "m".repeat(5 * 1024 * 1024) + "\"") + "]";
    return Stream.of(
        new Case(
            "malformed JSON",
            "/v1/metrics",
            BEARER,
            "[{\"run_id\":",
            400,
            null,
            "not valid JSON",
            0),
        new Case(
            "object instead of array",
            "/v1/metrics",
            BEARER,
            point(""),
            400,
            null,
            "JSON array",
            0),
        new Case("event not an object", "/v1/metrics", BEARER, "[42]", 400, null, "JSON object", 0),
        new Case("null event", "/v1/metrics", BEARER, "[null]", 400, null, "JSON object", 0),
        new Case(
            "missing run id",
            "/v1/metrics",
            BEARER,
            "[{\"step\":1,\"metric\":\"loss\",\"value\":1," + "\"event_time\":1}]",
            400,
            "run_id",
            "required",
            0),
        new Case(
            "step as text",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "step", "\"ten\"") + "]",
            400,
            "step",
            "must be an integer",
            0),
        new Case(
            "fractional step",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "step", "1.5") + "]",
            400,
            "step",
            "must be an integer",
            0),
        new Case(
            "NaN step",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "step", "\"NaN\"") + "]",
            400,
            "step",
            "must be an integer",
            0),
        new Case(
            "negative step",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "step", "-3") + "]",
            400,
            "step",
            "-3",
            0),
        new Case(
            "value as boolean",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "value", "true") + "]",
            400,
            "value",
            "must be a number",
            0),
        new Case(
            "value as arbitrary text",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "value", "\"high\"") + "]",
            400,
            "value",
            "must be a number",
            0),
        new Case(
            "event time unparsable",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "event_time", "\"yesterday\"") + "]",
            400,
            "event_time",
            "ISO-8601",
            0),
        new Case(
            "negative tokens",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "tokens_seen", "-5") + "]",
            400,
            "tokens_seen",
            "-5",
            0),
        new Case(
            "huge run id",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "run_id", "\"" + huge + "\"") + "]",
            400,
            "run_id",
            "256",
            0),
        new Case(
            "huge metric name",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "metric", "\"" + huge + "\"") + "]",
            400,
            "metric",
            "256",
            0),
        new Case(
            "unknown field",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "lr", "0.1") + "]",
            400,
            "lr",
            "not a field",
            0),
        new Case(
            "eval without task",
            "/v1/evals",
            BEARER,
            "[{\"run_id\":\"r1\",\"step\":1,\"metric\":\"acc\","
                + "\"value\":0.5,\"event_time\":1}]",
            400,
            "task",
            "required",
            0),
        new Case(
            "eval negative stderr",
            "/v1/evals",
            BEARER,
            "[" + withField(EVAL, "stderr", "-0.1") + "]",
            400,
            "stderr",
            "-0.1",
            0),
        new Case(
            "run unknown status",
            "/v1/runs",
            BEARER,
            "[" + withField(RUN, "status", "\"DONE\"") + "]",
            400,
            "status",
            "one of",
            0),
        new Case(
            "run huge hyperparameter map",
            "/v1/runs",
            BEARER,
            "[" + withField(RUN, "hyperparameters", bigMap) + "]",
            400,
            "hyperparameters",
            "1000",
            0),
        new Case(
            "too many events",
            "/v1/metrics",
            BEARER,
            manyEvents,
            413,
            null,
            "at most 10000 events",
            0),
        new Case("too many bytes", "/v1/metrics", BEARER, manyBytes, 413, null, "bytes", 0),
        new Case(
            "missing token",
            "/v1/metrics",
            null,
            "[" + point("") + "]",
            401,
            "Authorization",
            "bearer",
            0),
        new Case(
            "unknown token",
            "/v1/metrics",
            "Bearer nope",
            "[" + point("") + "]",
            401,
            "Authorization",
            "bearer",
            0),
        new Case(
            "basic instead of bearer",
            "/v1/metrics",
            "Basic dXNlcjpwYXNz",
            "[" + point("") + "]",
            401,
            "Authorization",
            "bearer",
            0),
        new Case(
            "another project's token",
            "/v1/metrics",
            "Bearer " + OTHER_TOKEN,
            "[" + point("\"project\":\"alpha\"") + "]",
            403,
            "project",
            "'beta' only",
            0),
        new Case(
            "one foreign event spoils the batch",
            "/v1/metrics",
            BEARER,
            "[" + point("") + "," + point("\"project\":\"beta\"") + "]",
            403,
            "project",
            "nothing",
            0),
        new Case(
            "event time two hours ahead (a skewed trainer clock): 400, not 503",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "event_time", "\"" + TWO_HOURS_AHEAD + "\"") + "]",
            400,
            "event_time",
            "must be at most 60 min after the receiving clock",
            0),
        new Case(
            "a future event beside a valid one: the valid one is accepted",
            "/v1/metrics",
            BEARER,
            "["
                + point("\"step\":5")
                + ","
                + withField(point(""), "event_time", "\"" + TWO_HOURS_AHEAD + "\"")
                + "]",
            400,
            "event_time",
            TWO_HOURS_AHEAD.toString(),
            1),
        new Case(
            "ISO event time with a huge year: 400, not 500",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "event_time", "\"+999999999-01-01T00:00:00Z\"") + "]",
            400,
            "event_time",
            "fits epoch milliseconds",
            0),
        new Case(
            "duplicate key (strict JSON)",
            "/v1/metrics",
            BEARER,
            "[{\"project\":\"beta\",\"project\":\"alpha\"," + point("").substring(1) + "]",
            400,
            null,
            "Duplicate field 'project'",
            0),
        new Case(
            "1e309 (out of a double's range, not infinity)",
            "/v1/metrics",
            BEARER,
            // as text: a JSON tree would already have turned it into infinity
            "[" + point("").replace("\"value\":2.5", "\"value\":1e309") + "]",
            400,
            "value",
            "1E+309 is out of range",
            0),
        new Case(
            "metric name with NUL",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "metric", "\"loss\\u0000x\"") + "]",
            400,
            "metric",
            "control characters (NUL, newline, tab, ...): U+0000 at index 4",
            0),
        new Case(
            "metric name with newline",
            "/v1/metrics",
            BEARER,
            "[" + withField(point(""), "metric", "\"loss\\nfake_line\"") + "]",
            400,
            "metric",
            "U+000A at index 4",
            0),
        new Case(
            "mixed batch keeps the valid",
            "/v1/metrics",
            BEARER,
            "["
                + point("")
                + ","
                + withField(point(""), "step", "-1")
                + ","
                + point("\"step\":2")
                + "]",
            400,
            "step",
            "-1",
            2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void shouldAnswerEachBadInputWithItsDocumentedError(Case c) throws Exception {
    HttpResponse<String> response = post(c.path(), c.authorization(), c.body());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("accepted").asInt()).isEqualTo(c.accepted());
    JsonNode error = body.get("errors").get(0);
    if (c.field() == null) {
      assertThat(error.get("field").isNull()).as(error.toString()).isTrue();
    } else {
      assertThat(error.get("field").asText()).isEqualTo(c.field());
    }
    assertThat(error.get("message").asText()).containsIgnoringCase(c.messagePart());
    assertThat(post("/v1/metrics", BEARER, "[" + point("\"run_id\":\"canary\"") + "]").statusCode())
        .as("the gateway keeps serving")
        .isEqualTo(200);
  }

  @Test
  void shouldAcceptTheBearerSchemeInAnyCase() throws Exception {
    // RFC 7235: the auth scheme is case-insensitive
    assertThat(post("/v1/metrics", "bearer " + TOKEN, "[" + point("") + "]").statusCode())
        .isEqualTo(200);
    assertThat(post("/v1/metrics", "BEARER " + TOKEN, "[" + point("") + "]").statusCode())
        .isEqualTo(200);
  }

  @Test
  void shouldAnswer400WithABodyWhenTheBodyIsShorterThanItsContentLength() throws Exception {
    URI http = URI.create(stack.httpUrl());
    byte[] body = ("[" + point("") + "]").getBytes(StandardCharsets.UTF_8);
    String response;
    try (Socket socket = new Socket(http.getHost(), http.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/metrics HTTP/1.1\r\nHost: "
                  + http.getHost()
                  + "\r\nAuthorization: "
                  + BEARER
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + (body.length + 100)
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      socket.shutdownOutput();
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response)
        .contains("\"field\":\"Content-Length\"")
        .contains("the body ended before the " + (body.length + 100) + " bytes");
    assertThat(post("/v1/metrics", BEARER, "[" + point("") + "]").statusCode())
        .as("the gateway keeps serving")
        .isEqualTo(200);
  }

  @Test
  void shouldProduceEveryValidEventOfAMixedBatchToTheRawTopic() throws Exception {
    String run = "mixed-" + UUID.randomUUID();
    List<String> events = new ArrayList<>();
    for (int step = 0; step < 20; step++) {
      String value =
          step == 7 ? "\"NaN\"" : step == 8 ? "\"Infinity\"" : String.valueOf(1.0 / (step + 1));
      events.add(point("\"run_id\":\"" + run + "\",\"step\":" + step + ",\"value\":" + value));
      if (step % 5 == 0) {
        events.add(withField(point("\"run_id\":\"" + run + "\""), "step", "-" + (step + 1)));
      }
    }

    HttpResponse<String> response =
        post("/v1/metrics", BEARER, "[" + String.join(",", events) + "]");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("accepted").asInt()).isEqualTo(20);
    assertThat(body.get("errors")).hasSize(4);
    List<MetricPoint> landed = rawPointsOf(run, 20);
    assertThat(landed)
        .extracting(MetricPoint::getStep)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 20).mapToObj(Long::valueOf).toList());
    assertThat(landed).allSatisfy(p -> assertThat(p.getProject()).isEqualTo("alpha"));
    assertThat(landed.stream().filter(p -> p.getStep() == 7).findFirst().orElseThrow().getValue())
        .isNaN();
    assertThat(landed.stream().filter(p -> p.getStep() == 8).findFirst().orElseThrow().getValue())
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  private static List<MetricPoint> rawPointsOf(String run, int expected) {
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
      return TopicReader.readAll(
              stack.bootstrapServers(),
              Topics.RAW,
              new StringDeserializer(),
              AvroKafkaDeserializer.specific(registry, RawEvent.class),
              expected,
              Duration.ofSeconds(30),
              Duration.ofSeconds(1))
          .stream()
          .filter(r -> r.key().equals(run) && r.value().getEvent() instanceof MetricPoint)
          .map(r -> (MetricPoint) r.value().getEvent())
          .toList();
    }
  }

  @Test
  void shouldRefuseNewBatchesWith503OnceDrainingForAStop() throws Exception {
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        IngestGateway gateway =
            new IngestGateway(
                new GatewayConfig(Map.of(TOKEN, "alpha"), 10, 4096),
                stack.bootstrapServers(),
                registry)) {
      Javalin server = Javalin.create(config -> config.showJavalinBanner = false);
      gateway.addRoutes(server);
      server.start("127.0.0.1", 0);
      try {
        gateway.drain(Duration.ofSeconds(5));

        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/metrics"))
                    .header("Authorization", BEARER)
                    .POST(HttpRequest.BodyPublishers.ofString("[" + point("") + "]"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("accepted").asInt()).isZero();
        assertThat(body.get("errors").get(0).get("message").asText()).contains("stopping");
      } finally {
        server.stop();
      }
    }
  }

  private static HttpResponse<String> post(String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stack.httpUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
