package dev.scalewatch.app.embedded;

import static dev.scalewatch.app.testing.StackClients.get;
import static dev.scalewatch.app.testing.StackClients.point;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second start on the same data directory resumes with topics, records and schema ids intact. */
class StackRestartIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORDS = 50;
  @TempDir Path data;

  @Test
  void shouldKeepTopicsRecordsAndSchemaIdsAcrossRestart() throws Exception {
    Map<String, Integer> idsBefore = new HashMap<>();
    Schema extra =
        SchemaBuilder.record("Extra").namespace("it").fields().requiredString("x").endRecord();
    int extraId;
    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.ephemeral(data));
        SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var producer =
            new KafkaProducer<>(
                StackClients.producerConfig(stack.bootstrapServers()),
                null,
                new AvroKafkaSerializer<MetricPoint>(registry))) {
      for (var topic : Topics.DATA) {
        idsBefore.put(topic.valueSubject(), registry.latest(topic.valueSubject()).id());
      }
      extraId = registry.register("it.extra-value", extra);
      for (int step = 0; step < RECORDS; step++) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.METRICS, "run-a", point("run-a", step, 1.0 / (step + 1))))
            .get();
      }
    }

    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.ephemeral(data));
        SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl())) {
      for (var entry : idsBefore.entrySet()) {
        assertThat(registry.latest(entry.getKey()).id())
            .as(entry.getKey())
            .isEqualTo(entry.getValue());
      }
      JsonNode byId = JSON.readTree(get(stack.registryUrl() + "/schemas/ids/" + extraId).body());
      assertThat(new Schema.Parser().parse(byId.get("schema").asText())).isEqualTo(extra);
      assertThat(registry.register("it.extra-value", extra)).isEqualTo(extraId);

      var records =
          StackClients.readAll(
              stack.bootstrapServers(),
              Topics.METRICS,
              AvroKafkaDeserializer.specific(registry, MetricPoint.class),
              RECORDS);
      assertThat(records).hasSize(RECORDS);
      assertThat(records)
          .extracting(r -> r.value().getStep())
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.range(0, RECORDS).boxed().toList());
    }
  }
}
