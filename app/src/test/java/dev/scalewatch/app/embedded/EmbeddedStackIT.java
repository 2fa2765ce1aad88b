package dev.scalewatch.app.embedded;

import static dev.scalewatch.app.testing.StackClients.get;
import static dev.scalewatch.app.testing.StackClients.point;
import static dev.scalewatch.app.testing.StackClients.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The running stack over its real interfaces: /health, the registry's REST API, bad bytes. */
class EmbeddedStackIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final RunningStack stack = new RunningStack();

  @Test
  void shouldReportBrokerRegistryNormalizerAndFlinkUpOnHealth() throws Exception {
    var response = get(stack.httpUrl() + "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = JSON.readTree(response.body());
    assertThat(health.get("status").asText()).isEqualTo("UP");
    assertThat(health.get("components").get("broker").get("status").asText()).isEqualTo("UP");
    assertThat(health.get("components").get("registry").get("status").asText()).isEqualTo("UP");
    assertThat(health.get("components").get("flink").get("status").asText()).isEqualTo("UP");
    assertThat(health.get("components").get("normalizer").get("status").asText()).isEqualTo("UP");
    assertThat(health.get("components").get("normalizer").get("details").has("lagRecords"))
        .as(health.toString())
        .isTrue();
    assertThat(health.get("components").get("broker").get("address").asText())
        .isEqualTo(stack.bootstrapServers());
  }

  @Test
  void shouldCreateEveryTopicKeepingHistoryAndRegisterEveryContractSchema() throws Exception {
    assertThat(stack.broker().admin().listTopics().names().get())
        .containsAll(Topics.DATA.stream().map(t -> t.name()).toList());
    var metrics = new ConfigResource(ConfigResource.Type.TOPIC, Topics.METRICS);
    var runs = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RUNS);
    var configs = stack.broker().admin().describeConfigs(List.of(metrics, runs)).all().get();
    assertThat(configs.get(metrics).get("retention.ms").value())
        .as("history is kept")
        .isEqualTo("-1");
    assertThat(configs.get(runs).get("cleanup.policy").value()).isEqualTo("compact");
    JsonNode subjects = JSON.readTree(get(stack.registryUrl() + "/subjects").body());
    assertThat(subjects)
        .extracting(JsonNode::asText)
        .containsAll(Topics.DATA.stream().map(t -> t.valueSubject()).toList());
  }

  @Test
  void shouldRefuseIncompatibleSchemaWith409AndConfluentBody() throws Exception {
    String incompatible =
        "{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"MetricPoint\\\","
            + "\\\"namespace\\\":\\\"dev.scalewatch.schemas\\\",\\\"fields\\\":[{\\\"name\\\":\\\"new_required\\\","
            + "\\\"type\\\":\\\"string\\\"}]}\"}";

    var response =
        post(stack.registryUrl() + "/subjects/scalewatch.metrics-value/versions", incompatible);

    assertThat(response.statusCode()).isEqualTo(409);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error_code").asInt()).isEqualTo(409);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  @Test
  void shouldAnswerUnknownSchemaIdWith404And40403() throws Exception {
    var response = get(stack.registryUrl() + "/schemas/ids/424242");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()).get("error_code").asInt()).isEqualTo(40403);
  }

  @Test
  void shouldAnswerUnknownSubjectWith404And40401() throws Exception {
    var response = get(stack.registryUrl() + "/subjects/no-such-subject/versions/latest");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()).get("error_code").asInt()).isEqualTo(40401);
  }

  @Test
  void shouldNameTopicPartitionAndOffsetOfBadBytesAndKeepServing() throws Exception {
    String topic = "it.bad-bytes";
    stack.broker().admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    byte[] noMagicByte = {1, 0, 0, 0, 1, 2};
    byte[] unknownId = ByteBuffer.allocate(6).put((byte) 0).putInt(987_654).put((byte) 2).array();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var producer =
            new KafkaProducer<String, byte[]>(
                StackClients.producerConfig(stack.bootstrapServers()),
                null,
                new ByteArraySerializer())) {
      byte[] valid =
          new AvroKafkaSerializer<MetricPoint>(registry).serialize(topic, point("r", 1, 2.0));
      byte[] truncated = Arrays.copyOf(valid, valid.length - 3);
      for (byte[] value : List.of(noMagicByte, unknownId, truncated, valid)) {
        producer.send(new ProducerRecord<>(topic, "r", value)).get();
      }
    }

    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var consumer =
            new KafkaConsumer<>(
                consumerConfig(),
                new StringDeserializer(),
                AvroKafkaDeserializer.specific(registry, MetricPoint.class))) {
      consumer.subscribe(List.of(topic));
      for (long expectedOffset = 0; expectedOffset < 3; expectedOffset++) {
        RecordDeserializationException error =
            catchThrowableOfType(
                RecordDeserializationException.class, () -> pollUntilError(consumer));
        assertThat(error.topicPartition().topic()).isEqualTo(topic);
        assertThat(error.topicPartition().partition()).isZero();
        assertThat(error.offset()).isEqualTo(expectedOffset);
        assertThat(error.getCause().getMessage()).contains(topic);
        consumer.seek(error.topicPartition(), error.offset() + 1);
      }
      var records = consumer.poll(Duration.ofSeconds(10));
      assertThat(records.count()).isEqualTo(1);
      assertThat(records.iterator().next().value().getValue()).isEqualTo(2.0);
    }
    assertThat(stack.broker().isHealthy()).isTrue();
  }

  @Test
  void shouldReportUndecodableRecordsInTailAndPrintTheRest() throws Exception {
    String topic = "it.tail";
    stack.broker().admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var producer =
            new KafkaProducer<String, byte[]>(
                StackClients.producerConfig(stack.bootstrapServers()),
                null,
                new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "r", new byte[] {7, 7, 7})).get();
      byte[] valid =
          new AvroKafkaSerializer<MetricPoint>(registry)
              .serialize(topic, point("r", 5, Double.NaN));
      producer.send(new ProducerRecord<>(topic, "r", valid)).get();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        ScaleWatch.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(
                "tail",
                topic,
                "--from-beginning",
                "--max",
                "2",
                "--json",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry-url",
                stack.registryUrl());

    assertThat(exit).isZero();
    assertThat(err.toString()).contains(topic).contains("partition 0").contains("offset 0");
    JsonNode line = JSON.readTree(out.toString().strip());
    assertThat(line.get("offset").asLong()).isEqualTo(1);
    assertThat(line.get("value").get("step").asLong()).isEqualTo(5);
    assertThat(line.get("value").get("value").asText()).isEqualTo("NaN");
  }

  @Test
  void shouldExitAtTheEndOfATransactionalTopicWithExitAtEnd() throws Exception {
    String topic = "it.tail-transactional";
    stack.broker().admin().createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    Map<String, Object> config =
        new HashMap<>(StackClients.producerConfig(stack.bootstrapServers()));
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tail-" + UUID.randomUUID());
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var producer = new KafkaProducer<String, byte[]>(config, null, new ByteArraySerializer())) {
      var serializer = new AvroKafkaSerializer<MetricPoint>(registry);
      producer.initTransactions();
      producer.beginTransaction();
      for (int step = 0; step < 3; step++) {
        producer.send(
            new ProducerRecord<>(
                topic, "r" + step, serializer.serialize(topic, point("r" + step, step, 1.0))));
      }
      producer.commitTransaction(); // leaves a commit marker after the last record
    }
    StringWriter out = new StringWriter();

    int exit =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                ScaleWatch.commandLine()
                    .setOut(new PrintWriter(out))
                    .execute(
                        "tail",
                        topic,
                        "--from-beginning",
                        "-e",
                        "--bootstrap-servers",
                        stack.bootstrapServers(),
                        "--registry-url",
                        stack.registryUrl()),
            "tail -e must stop at the end of the topic");

    assertThat(exit).isZero();
    assertThat(out.toString().strip().lines()).hasSize(3);
  }

  private static void pollUntilError(KafkaConsumer<String, MetricPoint> consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200));
    }
    throw new AssertionError("no deserialization error within 20 s");
  }

  private static Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        stack.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG,
        "it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest");
  }
}
