package dev.scalewatch.app.embedded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), running inside
 * this JVM with its log under one directory.
 *
 * <p>The first start formats the directory with a new cluster id; later starts find the formatted
 * directory and resume with every topic and record intact. Sized for one machine: replication
 * factor 1 everywhere (including the transaction state log, so exactly-once works), a 16 MiB log
 * cleaner buffer instead of the 128 MiB default, no automatic topic creation.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String rawWritesGate;
  private final Admin admin;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server, String bootstrapServers, String rawWritesGate) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.rawWritesGate = rawWritesGate;
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000));
  }

  /** As below, with writes to the raw topic always allowed. */
  public static EmbeddedKafkaBroker start(
      Path logDirectory, String host, int port, int controllerPort) throws Exception {
    return start(logDirectory, host, port, controllerPort, () -> true);
  }

  /**
   * Formats {@code logDirectory} if needed, starts the broker and waits until it answers clients.
   *
   * @param rawWritesOpen asked on every produce request to {@code scalewatch.raw}: false refuses it
   *     (see {@link RawWriteAuthorizer})
   * @throws IllegalStateException if the broker does not answer within 60 seconds
   */
  public static EmbeddedKafkaBroker start(
      Path logDirectory, String host, int port, int controllerPort, BooleanSupplier rawWritesOpen)
      throws Exception {
    Files.createDirectories(logDirectory);
    int[] ports = FreePorts.resolve(host, port, controllerPort);
    int clientPort = ports[0];
    int quorumPort = ports[1];
    Properties properties = brokerProperties(logDirectory, host, clientPort, quorumPort);
    String gate = RawWriteAuthorizer.register(rawWritesOpen);
    properties.put("authorizer.class.name", RawWriteAuthorizer.class.getName());
    properties.put(RawWriteAuthorizer.GATE_CONFIG, gate);
    KafkaRaftServer server;
    try {
      formatIfNeeded(logDirectory);
      server = new KafkaRaftServer(new KafkaConfig(properties, false), Time.SYSTEM);
      server.startup();
    } catch (Exception | Error e) {
      RawWriteAuthorizer.unregister(gate);
      throw e;
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, host + ":" + clientPort, gate);
    broker.awaitReady(Duration.ofSeconds(60));
    log.info("Kafka broker (KRaft) on {}, log in {}", broker.bootstrapServers, logDirectory);
    return broker;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** An admin client for this broker, owned by the broker (do not close it). */
  public Admin admin() {
    return admin;
  }

  /** True when the broker answers a cluster description within two seconds. */
  public boolean isHealthy() {
    try {
      return !admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
          .nodes()
          .get(2, TimeUnit.SECONDS)
          .isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    server.shutdown();
    server.awaitShutdown();
    RawWriteAuthorizer.unregister(rawWritesGate);
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isHealthy()) {
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(
            "Kafka broker on "
                + bootstrapServers
                + " did not answer within "
                + timeout.toSeconds()
                + " s; see the log above for the cause (a port in use is the usual one)");
      }
      Thread.sleep(100);
    }
  }

  private static Properties brokerProperties(
      Path logDirectory, String host, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("log.dirs", logDirectory.toAbsolutePath().toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    return p;
  }

  private static void formatIfNeeded(Path logDirectory) throws Exception {
    if (Files.exists(logDirectory.resolve("meta.properties"))) {
      return;
    }
    log.info("Formatting {} for a new single-node KRaft cluster", logDirectory);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(NODE_ID)
        .setDirectories(List.of(logDirectory.toAbsolutePath().toString()))
        .setMetadataLogDirectory(logDirectory.toAbsolutePath().toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .run();
  }
}
