package dev.scalewatch.app.bench;

import dev.scalewatch.app.embedded.EmbeddedKafkaBroker;
import dev.scalewatch.app.ingest.TestTopics;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load generator for the normalizer (not a test): starts the embedded KRaft broker and schema
 * registry in this JVM, pre-produces warm-up plus N RawEvents to {@code scalewatch.raw} (metric
 * points of 100 runs, each run announced first by a Run with its parameter count), then starts the
 * normalizer and measures how fast it drains them into {@code scalewatch.metrics}: events per
 * second from the first to the last committed output record after the warm-up (counted by a
 * read_committed byte-array consumer in this JVM, so start-up, the first rebalance and JIT warm-up
 * are not counted), the process CPU per event and the busiest threads. Flink is not started: it
 * plays no part here. The machine is shared: compare CPU per event, and rates of quiet runs only.
 *
 * <p>Run from the repository root (after {@code mvn -B -o -q install -DskipTests}), with the heap
 * of {@code scalewatch up}:
 *
 * <pre>
 * MAVEN_OPTS=-Xmx1g mvn -B -o -q -pl app test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.scalewatch.app.bench.NormalizerLoad -Dexec.args="1000000 4 1 1000000"
 * </pre>
 *
 * Arguments, all optional: events measured (default 1,000,000), partitions of every topic (default
 * 4, as {@code scalewatch up}), normalizer threads (default 1), warm-up events drained before the
 * clock starts (default 1,000,000: the JIT compiler takes most of a core for the first seconds).
 * Every Java system property starting with {@code normalizer.} is passed to Kafka Streams without
 * the prefix, e.g. {@code -Dnormalizer.commit.interval.ms=500}; {@code -Ddedup.changelog.off=true}
 * runs the dedup store without its changelog.
 */
public final class NormalizerLoad {

  private static final int RUNS = 100;
  private static final Instant T0 = Instant.ofEpochMilli(1_767_225_600_000L);

  private NormalizerLoad() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int warmup = args.length > 3 ? Integer.parseInt(args[3].replace("_", "")) : 1_000_000;
    Path data = Files.createTempDirectory("scalewatch-normalizer-load");
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.start(data.resolve("kafka"), "127.0.0.1", 0, 0);
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(
                RegistryConfig.of(broker.bootstrapServers(), "127.0.0.1", 0));
        SchemaRegistryClient client = SchemaRegistryClients.forUrl(registry.url())) {
      TestTopics.createAndAwaitLeaders(broker.admin(), partitions);
      long produceStart = System.nanoTime();
      produce(broker.bootstrapServers(), client, warmup + events);
      System.out.printf(
          Locale.ROOT,
          "produced %,d raw events in %.1f s%n",
          warmup + events,
          (System.nanoTime() - produceStart) / 1e9);
      NormalizerConfig config =
          NormalizerConfig.of(broker.bootstrapServers(), registry.url(), data.resolve("streams"))
              .withApplicationId("normalizer-load")
              .withThreads(threads)
              .withDedupChangelog(!Boolean.getBoolean("dedup.changelog.off"))
              .withStreamsOverrides(overrides());
      try (Normalizer normalizer = Normalizer.start(config)) {
        Drain drain = awaitDrain(broker.bootstrapServers(), warmup, events, Duration.ofMinutes(10));
        System.out.printf(
            Locale.ROOT,
            "normalizer: %,d events in %.2f s = %,.0f events/s, process CPU %.1f s "
                + "(%.1f µs per event; partitions %d, threads %d, dedup changelog %s, Java %s, %d cores, "
                + "overrides %s)%n",
            drain.events(),
            drain.seconds(),
            drain.events() / drain.seconds(),
            drain.cpuSeconds(),
            drain.cpuSeconds() * 1e6 / drain.events(),
            partitions,
            threads,
            config.dedupChangelog(),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            config.streamsOverrides());
        if (!normalizer.isRunning()) {
          throw new IllegalStateException(
              "normalizer stopped during the run: " + normalizer.state());
        }
      }
    }
  }

  /** JIT compilation and GC milliseconds so far (wall time of compiler threads and collections). */
  private static long[] jitAndGcMillis() {
    long gc =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(b -> Math.max(0, b.getCollectionTime()))
            .sum();
    return new long[] {ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gc};
  }

  private static Map<String, Object> overrides() {
    Map<String, Object> overrides = new HashMap<>();
    System.getProperties()
        .forEach(
            (key, value) -> {
              if (key.toString().startsWith("normalizer.")) {
                overrides.put(key.toString().substring("normalizer.".length()), value);
              }
            });
    return overrides;
  }

  private static void produce(String bootstrapServers, SchemaRegistryClient client, int events) {
    AvroKafkaSerializer<RawEvent> serializer = new AvroKafkaSerializer<>(client);
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024);
    TestTopics.FirstFailure failures = new TestTopics.FirstFailure();
    try (var producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int r = 0; r < RUNS; r++) {
        Run run =
            Run.newBuilder()
                .setProject("load")
                .setRunId("run-" + r)
                .setStatus(RunStatus.RUNNING)
                .setNonEmbeddingParameters(1_000_000L * (r + 1))
                .setUpdatedAt(T0)
                .build();
        send(producer, serializer, run.getRunId(), run, failures);
      }
      for (int i = 0; i < events; i++) {
        int r = i % RUNS;
        long step = i / RUNS;
        MetricPoint point =
            MetricPoint.newBuilder()
                .setProject("load")
                .setRunId("run-" + r)
                .setStep(step)
                .setTokensSeen(step * 4096)
                .setEventTime(T0.plusMillis(step))
                .setMetric("train/loss")
                .setValue(4.0 / Math.sqrt(step + 1))
                .build();
        send(producer, serializer, point.getRunId(), point, failures);
      }
      producer.flush();
    }
    failures.check();
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      AvroKafkaSerializer<RawEvent> serializer,
      String runId,
      Object event,
      TestTopics.FirstFailure failures) {
    byte[] value = serializer.serialize(Topics.RAW, RawEvent.newBuilder().setEvent(event).build());
    producer.send(
        new ProducerRecord<>(Topics.RAW, runId.getBytes(StandardCharsets.UTF_8), value), failures);
  }

  /**
   * Events drained, seconds from the first to the last committed output record, and the CPU time
   * this JVM (broker, registry, normalizer, counter) spent meanwhile: unlike the rate, it hardly
   * depends on what else runs on the machine.
   */
  record Drain(long events, double seconds, double cpuSeconds) {}

  /**
   * Counts committed records on the metrics topic with a byte-array consumer (transaction markers
   * take offsets too, so end offsets would overcount) until every event arrived; the clock starts
   * once the warm-up events are out (the JIT compiler is busy before).
   */
  private static Drain awaitDrain(
      String bootstrapServers, int warmup, int events, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG, "normalizer-load-counter",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    try (var consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.METRICS));
      long deadline = System.nanoTime() + timeout.toNanos();
      long first = 0;
      long firstCpu = 0;
      long firstCount = 0;
      long count = 0;
      Map<String, Long> threadCpu = Map.of();
      long[] jitGc = {0, 0};
      while (System.nanoTime() < deadline) {
        int polled = consumer.poll(Duration.ofMillis(50)).count();
        long now = System.nanoTime();
        count += polled;
        if (first == 0 && count > warmup) {
          first = now;
          firstCpu = JvmStats.processCpuNanos();
          firstCount = count;
          threadCpu = JvmStats.threadCpuNanos();
          jitGc = jitAndGcMillis();
        }
        if (count >= warmup + events) {
          JvmStats.printBusiestThreads(threadCpu, JvmStats.threadCpuNanos());
          long[] end = jitAndGcMillis();
          System.out.printf(
              Locale.ROOT,
              "  %6.2f s JIT compilation, %.2f s GC (wall)%n",
              (end[0] - jitGc[0]) / 1e3,
              (end[1] - jitGc[1]) / 1e3);
          return new Drain(
              count - firstCount,
              (now - first) / 1e9,
              (JvmStats.processCpuNanos() - firstCpu) / 1e9);
        }
      }
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "normalizer drained only %,d of %,d events within %s",
              count,
              warmup + events,
              timeout));
    }
  }
}
