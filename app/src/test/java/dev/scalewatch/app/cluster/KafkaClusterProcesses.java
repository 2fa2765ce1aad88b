package dev.scalewatch.app.cluster;

import dev.scalewatch.app.testing.FreeTestPorts;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft Kafka cluster of separate JVMs on one host: every node is broker and controller, the
 * internal topics have replication factor 3 and min.insync.replicas 2, and short session timeouts
 * make a killed broker fenced in about 3 s. Each node is formatted with {@code kafka.tools.
 * StorageTool} and started with {@code kafka.Kafka}, as a production install would be.
 */
public final class KafkaClusterProcesses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaClusterProcesses.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path directory;
  private final String host;
  private final int[] clientPorts;
  private final int[] controllerPorts;
  private final JavaProcess[] nodes;

  private KafkaClusterProcesses(Path directory, String host, int size) {
    this.directory = directory;
    this.host = host;
    int[] ports = FreeTestPorts.pick(host, 2 * size);
    this.clientPorts = java.util.Arrays.copyOfRange(ports, 0, size);
    this.controllerPorts = java.util.Arrays.copyOfRange(ports, size, 2 * size);
    this.nodes = new JavaProcess[size];
  }

  /**
   * Formats and starts {@code size} nodes under {@code directory}; returns once all are brokers.
   */
  public static KafkaClusterProcesses start(Path directory, String host, int size)
      throws Exception {
    KafkaClusterProcesses cluster = new KafkaClusterProcesses(directory, host, size);
    long started = System.nanoTime();
    try {
      cluster.formatAll();
      for (int node = 0; node < size; node++) {
        cluster.startNode(node);
      }
      cluster.awaitBrokers(size, START_TIMEOUT);
      log.info(
          "Kafka cluster of {} nodes on {} up in {} ms",
          size,
          directory,
          (System.nanoTime() - started) / 1_000_000);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    StringJoiner servers = new StringJoiner(",");
    for (int port : clientPorts) {
      servers.add(host + ":" + port);
    }
    return servers.toString();
  }

  /** {@code kill -9} of one node. */
  public void kill(int node) throws InterruptedException {
    nodes[node].kill();
  }

  /** Waits until {@code count} brokers are registered and unfenced. */
  private void awaitBrokers(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
      while (true) {
        for (JavaProcess node : nodes) {
          if (node != null) {
            node.requireAlive();
          }
        }
        try {
          int seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (seen >= count) {
            return;
          }
        } catch (Exception notYet) {
          // The quorum is still electing a leader.
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              count
                  + " Kafka brokers did not register within "
                  + timeout
                  + "; logs in "
                  + directory);
        }
        Thread.sleep(200);
      }
    }
  }

  private void formatAll() throws Exception {
    StringJoiner initialControllers = new StringJoiner(",");
    for (int node = 0; node < nodes.length; node++) {
      initialControllers.add(
          node + "@" + host + ":" + controllerPorts[node] + ":" + Uuid.randomUuid());
    }
    String clusterId = Uuid.randomUuid().toString();
    for (int node = 0; node < nodes.length; node++) {
      Path config = writeConfig(node);
      Path log = directory.resolve("format-" + node + ".log");
      JavaProcess format =
          JavaProcess.start(
              "kafka-format-" + node,
              log,
              List.of("-Xmx256m"),
              "kafka.tools.StorageTool",
              List.of(
                  "format",
                  "-c",
                  config.toString(),
                  "-t",
                  clusterId,
                  "--initial-controllers",
                  initialControllers.toString()));
      int exit = format.waitFor(Duration.ofSeconds(60));
      if (exit != 0) {
        throw new IllegalStateException(
            "Formatting Kafka node " + node + " exited with " + exit + "; see " + log);
      }
    }
  }

  private void startNode(int node) throws IOException {
    nodes[node] =
        JavaProcess.start(
            "kafka-" + node,
            directory.resolve("kafka-" + node + ".log"),
            List.of("-Xmx384m", "-Xms128m"),
            "kafka.Kafka",
            List.of(directory.resolve("server-" + node + ".properties").toString()));
  }

  private Path writeConfig(int node) throws IOException {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(node));
    List<String> bootstrap = new ArrayList<>();
    for (int port : controllerPorts) {
      bootstrap.add(host + ":" + port);
    }
    p.put("controller.quorum.bootstrap.servers", String.join(",", bootstrap));
    p.put(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + clientPorts[node]
            + ",CONTROLLER://"
            + host
            + ":"
            + controllerPorts[node]);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPorts[node]);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", directory.resolve("data-" + node).toAbsolutePath().toString());
    p.put("auto.create.topics.enable", "false");
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    // Fence a killed broker in about 3 s instead of 9.
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("controller.quorum.election.timeout.ms", "1000");
    p.put("controller.quorum.fetch.timeout.ms", "2000");
    Files.createDirectories(directory);
    Path file = directory.resolve("server-" + node + ".properties");
    try (Writer out = Files.newBufferedWriter(file)) {
      p.store(out, "ScaleWatch test cluster node " + node);
    }
    return file;
  }

  @Override
  public void close() throws InterruptedException {
    long stopping = System.nanoTime();
    // All at once: nodes stopped one by one lose their quorum and wait for it until killed.
    for (JavaProcess node : nodes) {
      if (node != null) {
        node.signalStop();
      }
    }
    for (JavaProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    log.info(
        "Stopped the processes under {} in {} ms",
        directory,
        (System.nanoTime() - stopping) / 1_000_000);
  }
}
