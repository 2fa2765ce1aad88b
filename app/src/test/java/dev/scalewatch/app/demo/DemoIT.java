package dev.scalewatch.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code up --demo} end to end: the demo feed played through the ingest path (raw topic,
 * normalizer) of an embedded stack, at 2.5x the default pace, and the alerts read from {@code
 * scalewatch.alerts} with read_committed.
 */
class DemoIT {

  static final Duration POINT_INTERVAL = Duration.ofMillis(100);
  static final Duration STALL_GAP = Duration.ofSeconds(8);

  @RegisterExtension static final RunningStack stack = new RunningStack().stallGap(STALL_GAP);
  static SchemaRegistryClient registry;

  @BeforeAll
  static void connect() {
    registry = SchemaRegistryClients.forUrl(stack.registryUrl());
  }

  @AfterAll
  static void close() {
    registry.close();
  }

  @Test
  void shouldRaiseEachStagedAlertAndNothingForTheControls() throws Exception {
    long started = System.nanoTime();
    Map<AlertKind, Double> firstSeen = new LinkedHashMap<>();
    List<Alert> alerts = List.of();
    try (DemoPlayer player =
        DemoPlayer.start(stack.bootstrapServers(), stack.registryUrl(), POINT_INTERVAL)) {
      long deadline = started + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        alerts = readAlerts();
        for (Alert a : alerts) {
          firstSeen.putIfAbsent(a.getKind(), (System.nanoTime() - started) / 1e9);
        }
        if (DemoAlerts.allStagedSeen(alerts)) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(player.await(Duration.ofSeconds(30))).as("the feed ends by itself").isTrue();
      assertThat(player.finished()).isTrue();
      assertThat(player.failed()).isZero();
    }
    System.out.printf(
        Locale.ROOT,
        "DemoIT: first alert of each kind, seconds after the feed started (points every %d ms,"
            + " stall gap %d s): %s%n",
        POINT_INTERVAL.toMillis(),
        STALL_GAP.toSeconds(),
        firstSeen);
    Thread.sleep(3000); // nothing more may follow for the controls
    alerts = readAlerts();
    assertThat(alerts).extracting(Alert::getProject).containsOnly(DemoFeed.PROJECT);
    DemoAlerts.assertAsStaged(alerts);
  }

  List<Alert> readAlerts() {
    return StackClients.readAlerts(stack.bootstrapServers(), registry);
  }
}
