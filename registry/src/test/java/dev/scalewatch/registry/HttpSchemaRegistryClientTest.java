package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.schemas.serde.SerdeConfig;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The project's HTTP registry client and Kafka serdes against the embedded registry, end to end in
 * the JVM.
 */
class HttpSchemaRegistryClientTest {

  private final RegistryHttp http = new RegistryHttp();
  private final SchemaRegistryClient client = SchemaRegistryClients.forUrl(http.registry.url());

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldRegisterLookUpAndFetchThroughTheClient() {
    Schema v1 = new Schema.Parser().parse(Schemas.V1);
    Schema v2 = new Schema.Parser().parse(Schemas.V2);

    int id = client.register("probes-value", v1);

    assertThat(client.idOf("probes-value", v1)).isEqualTo(id);
    assertThat(SchemaRegistryClients.forUrl(http.registry.url()).schemaById(id)).isEqualTo(v1);
    assertThat(client.isCompatible("probes-value", v2)).isTrue();
    assertThat(client.isCompatible("new-value", v2)).isTrue();
    int id2 = client.register("probes-value", v2);
    assertThat(client.latest("probes-value"))
        .satisfies(
            latest -> {
              assertThat(latest.id()).isEqualTo(id2);
              assertThat(latest.version()).isEqualTo(2);
              assertThat(latest.schema()).isEqualTo(v2);
            });
    assertThat(client.subjects()).containsExactly("probes-value");
  }

  @Test
  void shouldCarryStatusErrorCodeAndMessageOfARefusal() {
    client.register("probes-value", new Schema.Parser().parse(Schemas.V1));
    Schema incompatible = new Schema.Parser().parse(Schemas.INCOMPATIBLE);

    assertThat(client.isCompatible("probes-value", incompatible)).isFalse();
    assertThatThrownBy(() -> client.register("probes-value", incompatible))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.registryMessage()).contains("incompatible with an earlier schema");
            });
    assertThatThrownBy(() -> client.latest("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(40401);
              assertThat(e)
                  .hasMessage("schema registry error 40401 (HTTP 404): Subject 'nope' not found.");
            });
    assertThatThrownBy(() -> client.schemaById(4242))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
  }

  @Test
  void shouldReportAnUnreachableRegistry() {
    String url = http.registry.url();
    http.close();

    assertThat(http.registry.isReady()).isFalse();
    assertThatThrownBy(() -> SchemaRegistryClients.forUrl(url).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(SchemaRegistryException.UNREACHABLE);
              assertThat(e.getMessage()).contains("cannot reach the schema registry").contains(url);
            });
  }

  @Test
  void shouldRoundTripKafkaSerdesThroughTheEmbeddedRegistry() {
    Map<String, Object> config =
        Map.of(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            http.registry.url(),
            SerdeConfig.SPECIFIC_AVRO_READER,
            true);
    MetricPoint point =
        MetricPoint.newBuilder()
            .setProject("p")
            .setRunId("r")
            .setStep(10)
            .setEventTime(Instant.ofEpochMilli(1_000))
            .setMetric("loss")
            .setValue(2.5)
            .build();
    try (var serializer = new AvroKafkaSerializer<MetricPoint>();
        var deserializer = new AvroKafkaDeserializer<Object>()) {
      serializer.configure(config, false);
      deserializer.configure(config, false);

      Object back =
          deserializer.deserialize(Topics.METRICS, serializer.serialize(Topics.METRICS, point));

      assertThat(back).isEqualTo(point);
      assertThat(client.latest(Topics.valueSubject(Topics.METRICS)).schema())
          .isEqualTo(MetricPoint.getClassSchema());
    }
  }
}
