package dev.scalewatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroKafkaSerdeTest {

  private static final String SCOPE = "kafka-serde-test";
  private static final Map<String, Object> CONFIG =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);

  @AfterEach
  void dropScope() {
    SchemaRegistryClients.dropMockScope(SCOPE);
  }

  @Test
  void shouldRoundTripThroughSerializerAndDeserializerConfiguredByUrl() {
    try (var serializer = new AvroKafkaSerializer<MetricPoint>();
        var deserializer = new AvroKafkaDeserializer<Object>()) {
      serializer.configure(CONFIG, false);
      deserializer.configure(
          Map.of(
              SerdeConfig.SCHEMA_REGISTRY_URL,
              "mock://" + SCOPE,
              SerdeConfig.SPECIFIC_AVRO_READER,
              "true"),
          false);
      MetricPoint point = Samples.metric(3, Double.NaN);

      Object back =
          deserializer.deserialize(Topics.METRICS, serializer.serialize(Topics.METRICS, point));

      Samples.assertSamePoint(back, point);
    }
  }

  @Test
  void shouldReturnGenericRecordsByDefault() {
    try (var serializer = new AvroKafkaSerializer<MetricPoint>();
        var deserializer = new AvroKafkaDeserializer<Object>()) {
      serializer.configure(CONFIG, false);
      deserializer.configure(CONFIG, false);

      Object back =
          deserializer.deserialize(
              Topics.METRICS, serializer.serialize(Topics.METRICS, Samples.metric(3, 1.5)));

      assertThat(back).isInstanceOf(GenericRecord.class);
      assertThat(((GenericRecord) back).get("value")).isEqualTo(1.5);
    }
  }

  @Test
  void shouldRegisterKeysUnderTheKeySubject() {
    SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + SCOPE);
    try (var serializer = new AvroKafkaSerializer<MetricPoint>()) {
      serializer.configure(CONFIG, true);

      serializer.serialize(Topics.METRICS, Samples.metric(1, 1.0));

      assertThat(registry.subjects()).containsExactly(Topics.keySubject(Topics.METRICS));
    }
  }

  @Test
  void shouldNameTheTopicWhenTheDeserializerGetsBadBytes() {
    SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + SCOPE);
    try (var deserializer = AvroKafkaDeserializer.specific(registry, MetricPoint.class)) {
      assertThatThrownBy(
              () -> deserializer.deserialize(Topics.METRICS, new byte[] {1, 2, 3, 4, 5, 6}))
          .isInstanceOf(AvroSerdeException.class)
          .hasMessage(
              "cannot decode record of topic 'scalewatch.metrics': unknown magic byte 1 (expected 0): "
                  + "not the Confluent wire format; was it written by a plain Avro, JSON or string producer?");
    }
  }

  @Test
  void shouldRoundTripThroughASpecificSerdeConfiguredLikeConfluents() {
    try (Serde<MetricPoint> serde = AvroSerde.specific(MetricPoint.class)) {
      serde.configure(CONFIG, false);
      MetricPoint point = Samples.metric(9, Double.NEGATIVE_INFINITY);

      byte[] bytes = serde.serializer().serialize(Topics.METRICS, point);

      assertThat(serde.deserializer().deserialize(Topics.METRICS, bytes)).isEqualTo(point);
    }
  }

  @Test
  void shouldRoundTripThroughAGenericSerdeBuiltWithAClient() {
    SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + SCOPE);
    try (Serde<MetricPoint> specific = AvroSerde.specific(MetricPoint.class, registry);
        Serde<GenericRecord> generic = AvroSerde.generic(registry)) {
      byte[] bytes = specific.serializer().serialize(Topics.METRICS, Samples.metric(2, 0.5));

      GenericRecord record = generic.deserializer().deserialize(Topics.METRICS, bytes);

      assertThat(generic.serializer().serialize(Topics.METRICS, record)).isEqualTo(bytes);
    }
  }

  @Test
  void shouldDecodeGeneratedClassesWithTheSerdeKafkaStreamsCreatesByClass() {
    try (Serde<Object> serde = new AvroSerde<>()) {
      serde.configure(
          Map.of(
              SerdeConfig.SCHEMA_REGISTRY_URL,
              "mock://" + SCOPE,
              SerdeConfig.SPECIFIC_AVRO_READER,
              "true"),
          false);
      MetricPoint point = Samples.metric(4, 2.0);

      byte[] bytes = serde.serializer().serialize(Topics.METRICS, point);

      assertThat(serde.deserializer().deserialize(Topics.METRICS, bytes)).isEqualTo(point);
    }
  }

  @Test
  void shouldRefuseToServeAnUnconfiguredSerde() {
    assertThatThrownBy(() -> AvroSerde.generic().serializer())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema.registry.url");
  }

  @Test
  void shouldRefuseAMissingRegistryUrl() {
    try (var serializer = new AvroKafkaSerializer<MetricPoint>()) {
      assertThatThrownBy(() -> serializer.configure(Map.of(), false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("schema.registry.url is missing");
    }
  }

  @Test
  void shouldRefuseANonBooleanAutoRegisterFlag() {
    try (var serializer = new AvroKafkaSerializer<MetricPoint>()) {
      assertThatThrownBy(
              () ->
                  serializer.configure(
                      Map.of(
                          SerdeConfig.SCHEMA_REGISTRY_URL,
                          "mock://" + SCOPE,
                          SerdeConfig.AUTO_REGISTER_SCHEMAS,
                          "yes"),
                      false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("auto.register.schemas must be true or false, was 'yes'");
    }
  }
}
