package dev.scalewatch.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.ObsScalingReplay;
import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroDecoder;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scalewatch replay} of the shipped ObsScaling data lands every row in the normalized
 * topics.
 */
class ReplayIT {

  private static final Path DATA = ObsScalingReplay.DATA;
  @RegisterExtension static final RunningStack stack = new RunningStack();

  @Test
  void shouldLandEveryRowOfTheObsScalingData() throws Exception {
    String err = ObsScalingReplay.replay(stack);
    assertThat(err).contains("1162 rows");

    List<String[]> rows = Files.readAllLines(DATA).stream().skip(1).map(l -> l.split(",")).toList();
    long runs = rows.stream().map(r -> r[0]).distinct().count();
    Map<String, EvalResult> evals = new HashMap<>();
    Map<String, Run> runsById = new HashMap<>();
    for (SpecificRecord record : readUntil(rows, runs)) {
      if (record instanceof EvalResult eval) {
        evals.put(eval.getRunId() + "," + eval.getTask() + "," + eval.getValue(), eval);
      } else if (record instanceof Run run) {
        runsById.put(run.getRunId(), run);
      }
    }
    assertThat(runsById).hasSize((int) runs);
    for (String[] row : rows) {
      EvalResult eval = evals.get(row[0] + "," + row[1] + "," + Double.parseDouble(row[5]));
      assertThat(eval).as("row %s", String.join(",", row)).isNotNull();
      assertThat(eval.getProject()).isEqualTo("obsscaling");
      assertThat(eval.getMetric()).isEqualTo(row[4]);
      double x = Double.parseDouble(row[3]);
      if (row[2].equals("params")) {
        assertThat(eval.getParameters()).as("parameters of %s", row[0]).isEqualTo(Math.round(x));
        assertThat(runsById.get(row[0]).getParameters()).isEqualTo(Math.round(x));
      } else {
        assertThat(eval.getFlops()).as("flops of %s", row[0]).isEqualTo(x);
      }
    }
  }

  /** Reads evals and runs until every row has its eval and every run its record, or 60 s pass. */
  private static List<SpecificRecord> readUntil(List<String[]> rows, long runs) {
    long distinctEvals = rows.stream().map(r -> r[0] + "," + r[1] + "," + r[5]).distinct().count();
    List<SpecificRecord> records = new ArrayList<>();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "it-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed"),
                new StringDeserializer(),
                new AvroKafkaDeserializer<>(AvroDecoder.specificByWriterName(registry)))) {
      consumer.subscribe(List.of(Topics.EVALS, Topics.RUNS));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long evals = 0;
      long runRecords = 0;
      while ((evals < distinctEvals || runRecords < runs) && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          records.add((SpecificRecord) record.value());
          if (record.value() instanceof EvalResult) {
            evals++;
          } else {
            runRecords++;
          }
        }
      }
    }
    return records;
  }
}
