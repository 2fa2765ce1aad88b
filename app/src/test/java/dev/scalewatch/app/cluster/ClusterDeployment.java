package dev.scalewatch.app.cluster;

import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.testing.FreeTestPorts;
import dev.scalewatch.app.testing.StackClients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.FileUtils;

/**
 * ScaleWatch's roles as separate processes on one host, nothing of the embedded stack: a three-node
 * Kafka cluster, {@code scalewatch registry}, two {@code scalewatch normalizer} instances sharing
 * the raw topic, and the stream jobs submitted with {@code scalewatch jobs submit} to a Flink
 * session cluster of a JobManager and two TaskManagers. Every process logs to a file under the
 * given directory.
 *
 * @param taskManagerSlots slots of each of the two TaskManagers
 * @param parallelism of each job; both jobs fit if it is at most {@code taskManagerSlots}
 * @param partitions of each topic the first normalizer creates
 */
public final class ClusterDeployment implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  private static final int NORMALIZERS = 2;

  private final Path work;
  private final List<JavaProcess> roles = new ArrayList<>();
  private KafkaClusterProcesses kafka;
  private FlinkSessionProcesses flink;
  private String registryUrl;

  private ClusterDeployment(Path work) {
    this.work = work;
  }

  /** Starts every process (about 15-25 s on 2 cores); stops what started if one fails. */
  public static ClusterDeployment start(
      Path work, int taskManagerSlots, int parallelism, int partitions, Duration stallGap)
      throws Exception {
    ClusterDeployment deployment = new ClusterDeployment(work);
    try {
      deployment.startProcesses(taskManagerSlots, parallelism, partitions, stallGap);
      return deployment;
    } catch (Exception | Error e) {
      deployment.close();
      throw e;
    }
  }

  private void startProcesses(
      int taskManagerSlots, int parallelism, int partitions, Duration stallGap) throws Exception {
    FileUtils.deleteDirectory(work.toFile());
    kafka = KafkaClusterProcesses.start(work.resolve("kafka"), HOST, 3);
    int[] ports = FreeTestPorts.pick(HOST, 1 + NORMALIZERS);
    registryUrl = "http://" + HOST + ":" + ports[0];
    roles.add(
        scalewatch(
            "registry",
            "registry",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--host",
            HOST,
            "--port",
            String.valueOf(ports[0])));
    awaitAnswer(registryUrl + "/subjects", roles.get(0));
    for (int i = 0; i < NORMALIZERS; i++) {
      roles.add(
          scalewatch(
              "normalizer-" + i,
              "normalizer",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--registry-url",
              registryUrl,
              "--partitions",
              String.valueOf(partitions),
              "--state-dir",
              work.resolve("normalizer-" + i).toString(),
              "--host",
              HOST,
              "--http-port",
              String.valueOf(ports[1 + i])));
      awaitAnswer("http://" + HOST + ":" + ports[1 + i] + "/health", roles.get(1 + i));
    }
    flink = FlinkSessionProcesses.start(work.resolve("flink"), HOST, 2, taskManagerSlots);
    int exit =
        ScaleWatch.commandLine()
            .execute(
                "jobs",
                "submit",
                "--flink-rest",
                flink.restAddress(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--registry-url",
                registryUrl,
                "--checkpoint-dir",
                work.resolve("checkpoints").toString(),
                "--parallelism",
                String.valueOf(parallelism),
                "--stall-gap",
                String.valueOf(stallGap.toSeconds()));
    if (exit != 0) {
      throw new IllegalStateException("scalewatch jobs submit exited with " + exit);
    }
  }

  /** Starts {@code scalewatch serve} with its DuckDB store under {@code dataDirectory}. */
  public void startServe(Path dataDirectory) throws Exception {
    int port = FreeTestPorts.pick(HOST, 1)[0];
    JavaProcess serve =
        scalewatch(
            "serve",
            "serve",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--registry-url",
            registryUrl,
            "--data-dir",
            dataDirectory.toString(),
            "--host",
            HOST,
            "--http-port",
            String.valueOf(port),
            "--flink-rest",
            flink.restAddress());
    roles.add(serve);
    awaitAnswer("http://" + HOST + ":" + port + "/health", serve);
  }

  /** Starts {@code scalewatch <arguments>} as a child JVM logging to {@code <name>.log}. */
  JavaProcess scalewatch(String name, String... arguments) throws IOException {
    return scalewatch(name, Map.of(), arguments);
  }

  /** As above, with {@code environment} added. */
  JavaProcess scalewatch(String name, Map<String, String> environment, String... arguments)
      throws IOException {
    return JavaProcess.start(
        name,
        work.resolve(name + ".log"),
        List.of("-Xmx384m"),
        System.getProperty("java.class.path"),
        ScaleWatch.class.getName(),
        List.of(arguments),
        environment);
  }

  /** Waits until {@code url} answers 200; throws if {@code starting} exits first. */
  static void awaitAnswer(String url, JavaProcess starting) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      starting.requireAlive();
      try {
        if (StackClients.get(url).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(url + " did not answer 200 within 60 s; see its log");
      }
      Thread.sleep(200);
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registryUrl;
  }

  KafkaClusterProcesses kafka() {
    return kafka;
  }

  FlinkSessionProcesses flink() {
    return flink;
  }

  /** The {@code index}-th normalizer (0 or 1). */
  JavaProcess normalizer(int index) {
    return roles.get(1 + index);
  }

  @Override
  public void close() throws Exception {
    if (flink != null) {
      flink.close();
    }
    for (JavaProcess role : roles) {
      role.signalStop();
    }
    for (JavaProcess role : roles) {
      role.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }
}
