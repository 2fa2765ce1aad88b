package dev.scalewatch.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.data.Offset;

/**
 * The alerts the demo feed stages, whatever deployment runs the stream jobs: an emergence on the
 * emergent task, a loss spike that fires and resolves, a divergence, a stall, and nothing for the
 * controls.
 */
public final class DemoAlerts {

  private static final Predicate<Alert> emergence = a -> a.getKind() == AlertKind.EMERGENCE;
  private static final Predicate<Alert> spikeResolved =
      a -> a.getKind() == AlertKind.LOSS_SPIKE && a.getState() == AlertState.RESOLVED;
  private static final Predicate<Alert> divergence = a -> a.getKind() == AlertKind.DIVERGENCE;
  private static final Predicate<Alert> stall = a -> a.getKind() == AlertKind.STALL;
  private static final List<Predicate<Alert>> STAGED =
      List.of(emergence, spikeResolved, divergence, stall);

  private DemoAlerts() {}

  /** Whether every staged alert has arrived (the last ones may still be on their way). */
  public static boolean allStagedSeen(List<Alert> alerts) {
    return STAGED.stream().allMatch(staged -> alerts.stream().anyMatch(staged));
  }

  /** Asserts the alerts are exactly the staged ones: each once, in its state, none for controls. */
  public static void assertAsStaged(List<Alert> alerts) {
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
}
