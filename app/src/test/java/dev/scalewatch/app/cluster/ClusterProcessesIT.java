package dev.scalewatch.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed deployment's engines as real separate processes on one machine: a three-node
 * KRaft Kafka cluster and a Flink session cluster of one JobManager and two TaskManagers, each its
 * own JVM. The faults are the ones a production cluster meets: {@code kill -9} of a broker while
 * producers write with acks=all, and of a TaskManager while a checkpointed job runs.
 */
class ClusterProcessesIT {

  private static final String HOST = "127.0.0.1";

  @TempDir static Path work;
  private static KafkaClusterProcesses kafka;
  private static FlinkSessionProcesses flink;

  @BeforeAll
  static void startClusters() throws Exception {
    kafka = KafkaClusterProcesses.start(work.resolve("kafka"), HOST, 3);
    flink = FlinkSessionProcesses.start(work.resolve("flink"), HOST, 2, 1);
  }

  @AfterAll
  static void stopClusters() throws Exception {
    if (flink != null) {
      flink.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldLoseAndDuplicateNothingWhenABrokerIsKilledWhileProducersWrite() throws Exception {
    String topic = "broker-kill";
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 6, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get();
    }
    int records = 20_000;
    try (KafkaProducer<String, String> producer = producer()) {
      List<Future<RecordMetadata>> sends = new java.util.ArrayList<>();
      for (int i = 0; i < records; i++) {
        sends.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 97), "value-" + i)));
        if (i == records / 3) {
          producer.flush();
          kafka.kill(1);
        }
      }
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    }

    List<String> values = readAll(topic, records, Duration.ofSeconds(60));
    Set<String> distinct = new HashSet<>(values);
    assertThat(values).hasSize(records);
    assertThat(distinct).hasSize(records);

    kafka.restart(1);
    kafka.awaitBrokers(3, Duration.ofSeconds(60));
  }

  @Test
  void shouldRestartAJobOnTheOtherTaskManagerWhenOneIsKilled() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(500);
    env.fromSequence(1, Long.MAX_VALUE)
        .map(ClusterProcessesIT::slowly)
        .sinkTo(new DiscardingSink<>());
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, flink.host());
    client.set(RestOptions.PORT, flink.restPort());
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(client, StandaloneClusterId.getInstance())) {
      JobID job = rest.submitJob(env.getStreamGraph().getJobGraph()).get();
      await(job, "a completed checkpoint", c -> c.get("completed") >= 1);

      flink.killTaskManager(0);
      // With one slot per TaskManager the job can only come back on the survivor.
      await(job, "a restore from its checkpoint", c -> c.get("restored") == 1);
      awaitStatus(job, "RUNNING", Duration.ofSeconds(60));
      rest.cancel(job).get();
    }
    flink.restartTaskManager(0);
    flink.awaitTaskManagers(2, Duration.ofSeconds(60));
  }

  private static long slowly(long value) throws InterruptedException {
    Thread.sleep(1);
    return value;
  }

  private static void await(JobID job, String what, Predicate<Map<String, Long>> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Map<String, Long> seen = Map.of();
    while (System.nanoTime() < deadline) {
      try {
        seen = flink.checkpoints(job.toString());
        if (condition.test(seen)) {
          return;
        }
      } catch (IOException notYet) {
        // checkpoint statistics answer only once the job is scheduled
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " showed no " + what + " within 60 s: " + seen);
  }

  private static void awaitStatus(JobID job, String status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = null;
    while (System.nanoTime() < deadline) {
      seen = flink.jobs().get(job.toString());
      if (status.equals(seen)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "job " + job + " is " + seen + ", not " + status + ", after " + timeout);
  }

  private static KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            120_000,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class));
  }

  private static List<String> readAll(String topic, int expected, Duration timeout)
      throws ExecutionException, InterruptedException {
    List<String> values = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
      // Anything beyond the expected count would be a duplicate: read a little longer to see it.
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(2))) {
        values.add(record.value());
      }
    }
    return values;
  }
}
