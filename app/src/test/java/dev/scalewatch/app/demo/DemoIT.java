package dev.scalewatch.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.assertj.core.data.Offset;
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
    Predicate<Alert> emergence = a -> a.getKind() == AlertKind.EMERGENCE;
    Predicate<Alert> spikeResolved =
        a -> a.getKind() == AlertKind.LOSS_SPIKE && a.getState() == AlertState.RESOLVED;
    Predicate<Alert> divergence = a -> a.getKind() == AlertKind.DIVERGENCE;
    Predicate<Alert> stall = a -> a.getKind() == AlertKind.STALL;
    List<Predicate<Alert>> staged = List.of(emergence, spikeResolved, divergence, stall);

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
        List<Alert> seen = alerts;
        if (staged.stream().allMatch(p -> seen.stream().anyMatch(p))) {
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
    assertThat(alerts).allSatisfy(a -> assertThat(a.getProject()).isEqualTo(DemoFeed.PROJECT));

    List<Alert> emergent = alerts.stream().filter(emergence).toList();
    assertThat(emergent)
        .extracting(Alert::getTask, Alert::getState)
        .containsExactly(tuple(DemoFeed.EMERGENT_TASK, AlertState.FIRING));
    assertThat(emergent.get(0).getLabels()).containsEntry("model_family", DemoFeed.FAMILY);
    assertThat(emergent.get(0).getPredictedXInterval().getLower())
        .isEqualTo(2.8e9, Offset.offset(1e6));
    assertThat(emergent.get(0).getPredictedXInterval().getUpper())
        .isEqualTo(6.9e9, Offset.offset(1e6));
    assertThat(alerts).extracting(Alert::getTask).doesNotContain(DemoFeed.CONTROL_TASK);

    assertThat(alerts)
        .filteredOn(a -> a.getKind() == AlertKind.LOSS_SPIKE)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(
            tuple(DemoFeed.SPIKE_RECOVERS, AlertState.FIRING),
            tuple(DemoFeed.SPIKE_RECOVERS, AlertState.RESOLVED));
    assertThat(alerts)
        .filteredOn(divergence)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(tuple(DemoFeed.DIVERGES, AlertState.FIRING));
    assertThat(alerts)
        .filteredOn(stall)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(tuple(DemoFeed.STALLS, AlertState.FIRING));
    assertThat(alerts)
        .extracting(Alert::getRunId)
        .doesNotContain(DemoFeed.ONE_STEP_BLIP, DemoFeed.SMOOTH_CONTROL);
  }

  List<Alert> readAlerts() {
    return StackClients.readAlerts(stack.bootstrapServers(), registry);
  }
}
