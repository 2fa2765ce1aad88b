package dev.scalewatch.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import java.util.List;
import java.util.function.Predicate;

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

  /** The alerts of one project. */
  public static List<Alert> ofProject(List<Alert> alerts, String project) {
    return alerts.stream().filter(a -> a.getProject().equals(project)).toList();
  }

  /**
   * Asserts the alerts are exactly the staged ones, as the demo raises them when its events arrive
   * in the order sent: {@link #assertStagedOnce}, and the emergence placed between the two sizes
   * the accuracy jumps between (2.8B and 6.9B parameters): the sigmoid's midpoint, 3.9e9 [2.93e9,
   * 6.93e9] at 95% (its upper end just past 6.9B: the score at 6.9B, 0.52, may be just below the
   * midpoint of a ceiling slightly above it).
   */
  public static void assertAsStaged(List<Alert> alerts) {
    assertStagedOnce(alerts);
    Alert emergent = alerts.stream().filter(emergence).findFirst().orElseThrow();
    assertThat(emergent.getPredictedXInterval().getLevel()).isEqualTo(0.95);
    assertThat(emergent.getPredictedXInterval().getLower()).isBetween(2.8e9, 6.9e9);
    assertThat(emergent.getPredictedXInterval().getUpper()).isBetween(6.9e9 - 1e6, 6.9e9 * 1.1);
    assertThat(emergent.getPredictedX()).isBetween(2.8e9, 6.9e9);
  }

  /**
   * Asserts each staged alert arrived once, in its state, and nothing for the controls. The
   * emergence's interval (where the jump is) reaches into the staged jump between 2.8B and 6.9B and
   * holds its own estimate; it is wider when a size arrived late (a partition held back while its
   * normalizer was replaced), since the alert fires on what is known.
   */
  public static void assertStagedOnce(List<Alert> alerts) {
    String all = "alerts " + alerts.stream().map(DemoAlerts::identity).toList();
    assertThat(alerts).extracting(Alert::getProject).containsOnly(alerts.get(0).getProject());

    List<Alert> emergent = alerts.stream().filter(emergence).toList();
    assertThat(emergent)
        .as(all)
        .extracting(Alert::getTask, Alert::getState)
        .containsExactly(tuple(DemoFeed.EMERGENT_TASK, AlertState.FIRING));
    assertThat(emergent.get(0).getLabels()).containsEntry("model_family", DemoFeed.FAMILY);
    var jumpAt = emergent.get(0).getPredictedXInterval();
    assertThat(jumpAt.getLower()).isLessThan(6.9e9);
    assertThat(jumpAt.getUpper()).isGreaterThan(2.8e9);
    assertThat(emergent.get(0).getPredictedX()).isBetween(jumpAt.getLower(), jumpAt.getUpper());
    assertThat(alerts).as(all).extracting(Alert::getTask).doesNotContain(DemoFeed.CONTROL_TASK);

    assertThat(alerts)
        .as(all)
        .filteredOn(a -> a.getKind() == AlertKind.LOSS_SPIKE)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(
            tuple(DemoFeed.SPIKE_RECOVERS, AlertState.FIRING),
            tuple(DemoFeed.SPIKE_RECOVERS, AlertState.RESOLVED));
    assertThat(alerts)
        .as(all)
        .filteredOn(divergence)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(tuple(DemoFeed.DIVERGES, AlertState.FIRING));
    assertThat(alerts)
        .as(all)
        .filteredOn(stall)
        .extracting(Alert::getRunId, Alert::getState)
        .containsExactly(tuple(DemoFeed.STALLS, AlertState.FIRING));
    assertThat(alerts)
        .as(all)
        .extracting(Alert::getRunId)
        .doesNotContain(DemoFeed.ONE_STEP_BLIP, DemoFeed.SMOOTH_CONTROL);
  }

  /** What makes two alerts the same across projects: kind, run, task and state. */
  public static String identity(Alert alert) {
    return alert.getKind()
        + " "
        + alert.getRunId()
        + " "
        + alert.getTask()
        + " "
        + alert.getState();
  }
}
