package dev.scalewatch.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.json.AvroJson;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroEncoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch produce TOPIC}: writes JSON lines as Confluent-framed Avro records. Lines that
 * do not fit the schema are reported (line number, field, value) and skipped; valid lines are still
 * produced, and the exit code is 1 if any line was rejected.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Reads one JSON object per line (stdin or --file) and produces each as a Confluent-framed "
          + "Avro record (like kcat -P). ScaleWatch topics use the contract's schema; other topics "
          + "the latest schema registered under <topic>-value.",
      "Unions need no tags ({\"stderr\": 0.01}); doubles accept \"NaN\", \"Infinity\", \"-Infinity\"; "
          + "timestamps accept epoch milliseconds or ISO-8601.",
      "Example: echo '{\"project\":\"p\",\"run_id\":\"r1\",\"step\":10,\"metric\":\"loss\","
          + "\"value\":2.5,\"event_time\":\"2026-01-01T00:00:00Z\"}' | scalewatch produce scalewatch.metrics"
    })
public final class ProduceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      paramLabel = "TOPIC",
      description = "Topic to write, e.g. scalewatch.metrics.")
  String topic;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Read JSON lines from FILE instead of stdin.")
  Path file;

  @Option(
      names = "--key-field",
      defaultValue = "run_id",
      description =
          "Field whose value becomes the record key (default: ${DEFAULT-VALUE}; "
              + "no key if the record has no such field).")
  String keyField;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    long produced = 0;
    long rejected = 0;
    AtomicLong failed = new AtomicLong();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl);
        BufferedReader lines = open();
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig())) {
      Schema schema =
          Topics.spec(topic)
              .map(TopicSpec::valueSchema)
              .orElseGet(() -> registry.latest(Topics.valueSubject(topic)).schema());
      AvroEncoder encoder = new AvroEncoder(registry, true);
      String line;
      long number = 0;
      while ((line = lines.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode json = AvroJson.MAPPER.readTree(line);
          GenericRecord record = AvroJson.toRecord(json, schema);
          Object key = schema.getField(keyField) == null ? null : record.get(keyField);
          producer.send(
              new ProducerRecord<>(
                  topic, key == null ? null : key.toString(), encoder.encode(topic, false, record)),
              (metadata, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                  err.println("scalewatch produce: send failed: " + e.getMessage());
                }
              });
          produced++;
        } catch (JsonProcessingException | IllegalArgumentException e) {
          rejected++;
          err.printf(
              "scalewatch produce: line %d rejected: %s%n",
              number,
              e instanceof JsonProcessingException j
                  ? "not JSON (" + j.getOriginalMessage() + ")"
                  : e.getMessage());
        }
      }
      producer.flush();
    }
    err.printf(
        "scalewatch produce: %d records to %s, %d lines rejected, %d sends failed%n",
        produced - failed.get(), topic, rejected, failed.get());
    err.flush();
    return rejected == 0 && failed.get() == 0 ? 0 : 1;
  }

  private BufferedReader open() throws IOException {
    return file == null
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  private Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, client.bootstrapServers,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }
}
