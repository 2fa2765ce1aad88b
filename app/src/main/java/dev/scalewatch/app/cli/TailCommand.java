package dev.scalewatch.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.json.AvroJson;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroDecoder;
import dev.scalewatch.schemas.serde.AvroSerdeException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch tail TOPIC}: prints a topic's records, decoded through the registry, one per
 * line. Records that cannot be decoded are reported on stderr (topic, partition, offset, reason)
 * and skipped; the command goes on.
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the records of a topic, decoded through the schema registry, one per line "
          + "(like kcat -C). Reads every partition; needs no consumer group.",
      "Plain lines are 'partition@offset key value'; --json prints one JSON object per record "
          + "with topic, partition, offset, timestamp, key and value.",
      "Example: scalewatch tail scalewatch.metrics --from-beginning --max 10 --json",
      "         scalewatch tail scalewatch.alerts --from-beginning -e   (everything so far, then exit)"
    })
public final class TailCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      paramLabel = "TOPIC",
      description = "Topic to read, e.g. scalewatch.metrics.")
  String topic;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest record instead of the newest.")
  boolean fromBeginning;

  @Option(
      names = "--max",
      paramLabel = "N",
      description = "Stop after N records (default: run until Ctrl-C).")
  Long max;

  @Option(
      names = {"-e", "--exit-at-end"},
      description =
          "Stop at the end of the topic, once every partition's last committed record is printed"
              + " (like kcat -e); with read_committed this passes the commit markers of"
              + " transactional topics, where waiting for the last offset would hang.")
  boolean exitAtEnd;

  @Option(names = "--json", description = "Print each record as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    if (max != null && max < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--max must be >= 1: " + max);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
      AvroDecoder<GenericRecord> decoder = AvroDecoder.generic(registry);
      if (!consumer.listTopics(Duration.ofSeconds(15)).containsKey(topic)) {
        err.printf(
            "scalewatch tail: topic '%s' does not exist on %s; existing topics: %s%n",
            topic,
            client.bootstrapServers,
            consumer.listTopics().keySet().stream().sorted().toList());
        return 2;
      }
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      long seen = 0;
      while (max == null || seen < max) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> record : records) {
          print(record, decoder, out, err);
          if (max != null && ++seen >= max) {
            break;
          }
        }
        out.flush();
        if (exitAtEnd && records.isEmpty() && TopicFollower.atEnd(consumer, partitions)) {
          break;
        }
      }
      out.flush();
      return 0;
    }
  }

  private void print(
      ConsumerRecord<byte[], byte[]> record,
      AvroDecoder<GenericRecord> decoder,
      PrintWriter out,
      PrintWriter err) {
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    GenericRecord value;
    try {
      value = decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
    } catch (AvroSerdeException e) {
      err.println("scalewatch tail: skipped undecodable record: " + e.getMessage());
      err.flush();
      return;
    }
    if (json) {
      ObjectNode line = AvroJson.MAPPER.createObjectNode();
      line.put("topic", record.topic());
      line.put("partition", record.partition());
      line.put("offset", record.offset());
      line.put("timestamp", record.timestamp());
      line.put("key", key);
      line.set("value", AvroJson.toJson(value));
      out.println(line);
    } else {
      out.println(
          record.partition() + "@" + record.offset() + " " + key + " " + AvroJson.toJson(value));
    }
  }

  private Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, client.bootstrapServers,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }
}
