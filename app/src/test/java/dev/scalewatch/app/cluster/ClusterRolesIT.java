package dev.scalewatch.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.demo.DemoAlerts;
import dev.scalewatch.app.demo.DemoPlayer;
import dev.scalewatch.app.testing.FreeTestPorts;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ScaleWatch's roles as separate processes on real clusters, nothing of the embedded stack: a
 * three-node Kafka cluster, {@code scalewatch registry}, two {@code scalewatch normalizer}
 * instances sharing the raw topic, and the stream jobs submitted with {@code scalewatch jobs
 * submit} to a Flink session cluster of a JobManager and two TaskManagers. The demo feed played
 * into it raises the alerts it raises on the embedded stack.
 */
class ClusterRolesIT {

  private static final String HOST = "127.0.0.1";
  private static final Duration POINT_INTERVAL = Duration.ofMillis(100);
  private static final Duration STALL_GAP = Duration.ofSeconds(8);

  @TempDir static Path work;
  private static KafkaClusterProcesses kafka;
  private static FlinkSessionProcesses flink;
  private static final List<JavaProcess> roles = new ArrayList<>();
  private static String registryUrl;

  @BeforeAll
  static void startDeployment() throws Exception {
    kafka = KafkaClusterProcesses.start(work.resolve("kafka"), HOST, 3);
    int[] ports = FreeTestPorts.pick(HOST, 3);
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
    awaitAnswer(registryUrl + "/subjects");
    for (int i = 0; i < 2; i++) {
      roles.add(
          scalewatch(
              "normalizer-" + i,
              "normalizer",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--registry-url",
              registryUrl,
              "--partitions",
              "4",
              "--state-dir",
              work.resolve("normalizer-" + i).toString(),
              "--host",
              HOST,
              "--http-port",
              String.valueOf(ports[1 + i])));
      awaitAnswer("http://" + HOST + ":" + ports[1 + i] + "/health");
    }
    flink = FlinkSessionProcesses.start(work.resolve("flink"), HOST, 2, 2);
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
                "--stall-gap",
                String.valueOf(STALL_GAP.toSeconds()));
    assertThat(exit).as("jobs submit exit code").isZero();
  }

  @AfterAll
  static void stopDeployment() throws Exception {
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

  @Test
  void shouldRaiseTheDemosAlertsAsTheEmbeddedStackDoes() throws Exception {
    List<Alert> alerts = List.of();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(registryUrl);
        DemoPlayer player =
            DemoPlayer.start(kafka.bootstrapServers(), registryUrl, POINT_INTERVAL)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      while (System.nanoTime() < deadline && !DemoAlerts.allStagedSeen(alerts)) {
        Thread.sleep(500);
        alerts = StackClients.readAlerts(kafka.bootstrapServers(), registry);
      }
      assertThat(player.await(Duration.ofSeconds(30))).as("the feed ends by itself").isTrue();
      assertThat(player.failed()).isZero();
      Thread.sleep(3000); // nothing more may follow for the controls
      alerts = StackClients.readAlerts(kafka.bootstrapServers(), registry);
    }
    DemoAlerts.assertAsStaged(alerts);
  }

  private static JavaProcess scalewatch(String name, String... arguments) throws Exception {
    return JavaProcess.start(
        name,
        work.resolve(name + ".log"),
        List.of("-Xmx384m"),
        ScaleWatch.class.getName(),
        List.of(arguments));
  }

  private static void awaitAnswer(String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      for (JavaProcess role : roles) {
        role.requireAlive();
      }
      try {
        if (StackClients.get(url).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(url + " did not answer 200 within 60 s; logs in " + work);
      }
      Thread.sleep(200);
    }
  }
}
