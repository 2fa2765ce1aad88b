package dev.scalewatch.app.bench;

import dev.scalewatch.app.cluster.ClusterDeployment;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.jobs.StreamJobs;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Load generator for the stream jobs (not a test): starts the whole embedded stack in this JVM
 * (broker, registry, normalizer, both Flink jobs), or with {@code cluster:SLOTS} a {@link
 * ClusterDeployment} of separate processes (three brokers, registry, two normalizers, a Flink
 * session cluster of two TaskManagers with SLOTS slots each, both jobs at parallelism SLOTS, and
 * {@code serve} with its DuckDB store), and offers raw events at a fixed rate for a fixed time:
 * RUNS concurrent runs of 10 families, each logging {@code train/loss} every step and, every 500
 * steps, one eval of each of 20 tasks; every run has one 3x loss spike at a random step. It reports
 * the offered and the sustained rate (events through the normalizer and consumed by both jobs, from
 * the jobs' committed offsets), fits written per second, the event-to-alert latency of the spikes
 * (from the acknowledgement of the point that decides a spike to the alert visible to a
 * read_committed consumer), the peak RSS and CPU of this JVM and every process it started, and this
 * JVM's busiest threads. The producer runs in the same JVM and on the same cores.
 *
 * <p>Run from the repository root with the heap of {@code scalewatch up}:
 *
 * <pre>
 * mvn -B -o -q -pl app -am package -DskipTests
 * java -Xmx1g -cp "app/target/test-classes:app/target/scalewatch.jar:app/target/lib/*" \
 *     dev.scalewatch.app.bench.StreamJobsLoad 60000 30 1000
 * </pre>
 *
 * Arguments, all optional: offered events per second (60,000), seconds (60), runs (1,000), and
 * where: {@code embedded} (default) or {@code cluster:SLOTS}; both create topics of {@value
 * #PARTITIONS} partitions.
 */
public final class StreamJobsLoad {

  private static final int FAMILIES = 10;
  private static final int TASKS = 20;
  private static final int EVAL_EVERY = 500;
  private static final String PROJECT = "load";
  private static final int PARTITIONS = 4;

  /** Where the load goes: the embedded stack or a cluster deployment, and how to stop it. */
  private record Target(String bootstrapServers, String registryUrl, AutoCloseable deployment)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      deployment.close();
    }
  }

  private StreamJobsLoad() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    String where = args.length > 3 ? args[3] : "embedded";
    Path data = Files.createTempDirectory("scalewatch-jobs-load");
    try (Target stack = start(where, data);
        SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      System.out.printf(
          Locale.ROOT,
          "offering %,d events/s for %d s: %d runs, %d eval tasks every %d steps%n",
          rate,
          seconds,
          runs,
          TASKS,
          EVAL_EVERY);
      Map<Long, Long> decidedAt = new ConcurrentHashMap<>();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong spikeAlerts = new AtomicLong();
      Thread alerts =
          new Thread(
              () -> readSpikeAlerts(stack, registry, decidedAt, latencies, spikeAlerts, stop),
              "load-alert-reader");
      alerts.start();
      long peakRss = 0;
      Map<String, Long> cpuBefore = JvmStats.threadCpuNanos();
      long cpu0 = JvmStats.processTreeCpuNanos();
      Map<String, Long> cpuByRoleBefore = JvmStats.processCpuNanosByRole();
      long start = System.nanoTime();
      long sent = produce(stack, registry, rate, seconds, runs, decidedAt);
      double offered = sent / ((System.nanoTime() - start) / 1e9);
      long lastReport = System.nanoTime();
      while (true) {
        peakRss = Math.max(peakRss, JvmStats.processTreeRssBytes());
        long behind =
            behind(admin, StreamJobs.RUN_MONITOR, Topics.METRICS)
                + behind(admin, StreamJobs.SWEEP_FITTER, Topics.EVALS);
        if (behind == 0) {
          break;
        }
        if (System.nanoTime() - lastReport > 5e9) {
          System.out.printf(Locale.ROOT, "  jobs %,d events behind%n", behind);
          lastReport = System.nanoTime();
        }
        Thread.sleep(250);
      }
      double drained = (System.nanoTime() - start) / 1e9;
      long cpu = JvmStats.processTreeCpuNanos() - cpu0;
      Map<String, Long> cpuByRole = JvmStats.processCpuNanosByRole();
      Thread.sleep(3000);
      stop.set(true);
      alerts.join();
      long fits = count(stack, Topics.FITS);
      List<Long> sorted = latencies.stream().sorted().toList();
      System.out.printf(
          Locale.ROOT,
          "sent %,d events (%,.0f/s offered); normalized and consumed by both jobs in %.1f s:"
              + " %,.0f events/s sustained%n",
          sent,
          offered,
          drained,
          sent / drained,
          fits);
      System.out.printf(
          Locale.ROOT,
          "fits written: %,d (%.0f/s); spike alerts: %d of %d runs; event-to-alert latency p50 %d"
              + " ms, p99 %d ms, max %d ms%n",
          fits,
          fits / drained,
          spikeAlerts.get(),
          runs,
          percentile(sorted, 0.5),
          percentile(sorted, 0.99),
          sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
      System.out.printf(
          Locale.ROOT,
          "peak RSS %.0f MB and CPU %.1f s (%.1f us per event) of every process, by role:%n",
          peakRss / 1e6,
          cpu / 1e9,
          cpu / 1e3 / sent);
      JvmStats.printCpuByRole(cpuByRoleBefore, cpuByRole, sent);
      System.out.println("this JVM's busiest threads:");
      JvmStats.printBusiestThreads(cpuBefore, JvmStats.threadCpuNanos());
    }
  }

  private static Target start(String where, Path data) throws Exception {
    if (where.equals("embedded")) {
      StackConfig config = StackConfig.ephemeral(data);
      EmbeddedStack stack =
          EmbeddedStack.start(
              new StackConfig(
                  config.dataDirectory(),
                  config.host(),
                  0,
                  0,
                  0,
                  0,
                  0,
                  PARTITIONS,
                  config.minFreeDiskBytes(),
                  config.gateway(),
                  config.jobs(),
                  config.store(),
                  config.routing()));
      return new Target(stack.bootstrapServers(), stack.registryUrl(), stack);
    }
    if (!where.matches("cluster:\\d+")) {
      throw new IllegalArgumentException("where must be embedded or cluster:SLOTS: " + where);
    }
    int slots = Integer.parseInt(where.substring("cluster:".length()));
    ClusterDeployment cluster =
        ClusterDeployment.start(data, slots, slots, PARTITIONS, Duration.ofMinutes(10));
    // serve too, as the embedded stack runs the store's sink and alert routing.
    cluster.startServe(data.resolve("serve"));
    return new Target(cluster.bootstrapServers(), cluster.registryUrl(), cluster);
  }

  /** Offers events at {@code rate} per second; records when each spike-deciding point was acked. */
  private static long produce(
      Target stack,
      SchemaRegistryClient registry,
      int rate,
      int seconds,
      int runs,
      Map<Long, Long> decidedAt)
      throws Exception {
    Random random = new Random(42);
    long[] spikeStep = new long[runs];
    long[] step = new long[runs];
    Instant t0 = Instant.now().minusSeconds(3600);
    long sent = 0;
    try (var producer =
        new RawEventProducer(
            stack.bootstrapServers(), registry, Map.of("linger.ms", 20, "batch.size", 262_144))) {
      for (int r = 0; r < runs; r++) {
        spikeStep[r] = 100 + random.nextInt(400);
        producer.send(
            Run.newBuilder()
                .setProject(PROJECT)
                .setRunId("run-" + r)
                .setModelFamily("family-" + (r % FAMILIES))
                .setParameters((long) (1e7 * Math.pow(1.1, r / FAMILIES)))
                .setPlannedTokens(4096L * 100_000)
                .setStatus(RunStatus.RUNNING)
                .setUpdatedAt(t0)
                .build(),
            null);
      }
      long start = System.nanoTime();
      long total = (long) rate * seconds;
      long nextReport = start + 5_000_000_000L;
      int r = 0;
      while (sent < total) {
        long due = start + (long) (sent * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 200_000) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        long s = ++step[r];
        double loss = 2 + 10 * Math.pow(s, -0.3);
        loss *= Math.exp(0.01 * random.nextGaussian());
        if (s >= spikeStep[r] && s < spikeStep[r] + 3) {
          loss *= 3;
        }
        final long key = ((long) r << 32) | s;
        boolean decides = s == spikeStep[r] + 1;
        producer.send(
            MetricPoint.newBuilder()
                .setProject(PROJECT)
                .setRunId("run-" + r)
                .setStep(s)
                .setTokensSeen(s * 4096)
                .setMetric("train/loss")
                .setValue(loss)
                .setEventTime(t0.plusMillis(s * 100))
                .build(),
            decides
                ? (metadata, e) -> {
                  if (e == null) {
                    decidedAt.put(key, System.nanoTime());
                  }
                }
                : null);
        sent++;
        if (s % EVAL_EVERY == 0) {
          for (int task = 0; task < TASKS; task++) {
            producer.send(
                EvalResult.newBuilder()
                    .setProject(PROJECT)
                    .setRunId("run-" + r)
                    .setStep(s)
                    .setTask("task-" + task)
                    .setMetric("acc")
                    .setValue(Math.min(0.95, 0.05 + 0.01 * task + s * 1e-4 + 0.01 * (r / FAMILIES)))
                    .setEventTime(t0.plusMillis(s * 100))
                    .build(),
                null);
            sent++;
          }
        }
        r = (r + 1) % runs;
        if (System.nanoTime() > nextReport) {
          System.out.printf(Locale.ROOT, "  %,d events offered%n", sent);
          nextReport += 5_000_000_000L;
        }
      }
      producer.flush();
    }
    return sent;
  }

  private static void readSpikeAlerts(
      Target stack,
      SchemaRegistryClient registry,
      Map<Long, Long> decidedAt,
      List<Long> latencies,
      AtomicLong spikeAlerts,
      AtomicBoolean stop) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "load-alerts",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            AvroKafkaDeserializer.specific(registry, Alert.class))) {
      consumer.subscribe(List.of(Topics.ALERTS));
      while (!stop.get()) {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          Alert a = record.value();
          if (a.getKind() != AlertKind.LOSS_SPIKE || a.getState() != AlertState.FIRING) {
            continue;
          }
          long now = System.nanoTime();
          spikeAlerts.incrementAndGet();
          int run = Integer.parseInt(a.getRunId().substring("run-".length()));
          long startStep = Long.parseLong(a.getId().substring(a.getId().lastIndexOf('/') + 1));
          Long acked = decidedAt.get(((long) run << 32) | (startStep + 1));
          if (acked != null) {
            latencies.add((now - acked) / 1_000_000);
          }
        }
      }
    }
  }

  /**
   * Records of {@code topic} the group has not committed yet. A transactional topic ends with a
   * commit marker that no consumer ever returns, so a partition whose committed offset is one short
   * of its end is caught up.
   */
  private static long behind(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    var partitions =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest =
        partitions.stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    long behind = 0;
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata done = committed.get(end.getKey());
      long lag = end.getValue().offset() - (done == null ? 0 : done.offset());
      behind += lag > 1 ? lag : 0;
    }
    return behind;
  }

  private static long count(Target stack, String topic) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (var consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long count = 0;
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      return count;
    }
  }

  private static long percentile(List<Long> sorted, double q) {
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, q * sorted.size()));
  }
}
