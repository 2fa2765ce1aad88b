package dev.scalewatch.app.testing;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Severity;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Small clients the stack ITs share: HTTP calls, producer settings, reading a topic, a test point.
 */
public final class StackClients {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private StackClients() {}

  public static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static Map<String, Object> producerConfig(String bootstrapServers) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        StringSerializer.class,
        ProducerConfig.ACKS_CONFIG,
        "all");
  }

  /**
   * Reads {@code topic} from the beginning until {@code count} records arrived and it stays quiet
   * for 1 s.
   */
  public static <V> List<ConsumerRecord<String, V>> readAll(
      String bootstrapServers, String topic, Deserializer<V> values, int count) {
    return TopicReader.readAll(
        bootstrapServers,
        topic,
        new StringDeserializer(),
        values,
        count,
        Duration.ofSeconds(60),
        Duration.ofSeconds(1));
  }

  /** Every alert on {@code scalewatch.alerts} so far (read_committed, until quiet for 0.8 s). */
  public static List<Alert> readAlerts(String bootstrapServers, SchemaRegistryClient registry) {
    return TopicReader.readAll(
            bootstrapServers,
            Topics.ALERTS,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, Alert.class),
            0,
            Duration.ofSeconds(5),
            Duration.ofMillis(800))
        .stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  public static MetricPoint point(String runId, long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("it")
        .setRunId(runId)
        .setStep(step)
        .setTokensSeen(step * 4096)
        .setEventTime(Instant.ofEpochMilli(1_767_225_600_000L + step))
        .setMetric("train/loss")
        .setValue(value)
        .build();
  }

  /**
   * An alert of run r1 that started at 2026-01-01T00:00:00Z (and ended 90 s later if resolved); a
   * STALL if the id starts with {@code stall}, else a LOSS_SPIKE.
   */
  public static Alert alert(String project, String id, AlertState state) {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    return Alert.newBuilder()
        .setId(id)
        .setKind(id.startsWith("stall") ? AlertKind.STALL : AlertKind.LOSS_SPIKE)
        .setSeverity(Severity.WARNING)
        .setState(state)
        .setProject(project)
        .setRunId("r1")
        .setMetric("train/loss")
        .setSummary("something happened to " + id)
        .setStartsAt(start)
        .setEndsAt(state == AlertState.RESOLVED ? start.plusSeconds(90) : null)
        .build();
  }

  /** A sweep fit of task wino under key {@code <project>/sweep}, sequence 1, at T0. */
  public static Fit fit(String project, long durationMicros) {
    return Fit.newBuilder()
        .setProject(project)
        .setScope(FitScope.SWEEP)
        .setKey(project + "/sweep")
        .setMetric("accuracy")
        .setTask("wino")
        .setXAxis("params")
        .setForm("power_law")
        .setXMin(1e8)
        .setXMax(1e9)
        .setPointCount(5)
        .setErrorInSample(0.01)
        .setFitDurationMicros(durationMicros)
        .setSequence(1)
        .setEventTime(Instant.ofEpochMilli(1767225600000L))
        .build();
  }
}
