package dev.scalewatch.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.ingest.validate.EventValidator;
import dev.scalewatch.laws.detect.Emergence;
import dev.scalewatch.laws.detect.EmergenceDetector;
import dev.scalewatch.laws.run.LossWatch;
import dev.scalewatch.laws.run.LossWatchState;
import dev.scalewatch.laws.run.RunEvent;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The demo's content, judged by the same detectors the stream jobs call, without a cluster. */
class DemoFeedTest {

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final List<DemoFeed.Timed> EVENTS =
      DemoFeed.events(START, DemoFeed.DEFAULT_POINT_INTERVAL);

  @Test
  void shouldBeValidContractEventsInTimeOrderAroundTheStart() {
    EventValidator validator = new EventValidator();
    assertThat(EVENTS)
        .allSatisfy(t -> assertThat(validator.validate(t.event())).as(t.toString()).isEmpty());
    assertThat(EVENTS)
        .extracting(DemoFeed.Timed::offset)
        .isSorted()
        .allSatisfy(o -> assertThat(o).isLessThanOrEqualTo(Duration.ofSeconds(40)));
    assertThat(EVENTS.get(EVENTS.size() - 1).offset()).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void shouldBeTheSameEveryTime() {
    // As text: Avro's equals says NaN != NaN, and the diverging run sends NaN.
    assertThat(DemoFeed.events(START, DemoFeed.DEFAULT_POINT_INTERVAL).toString())
        .isEqualTo(EVENTS.toString());
  }

  @Test
  void shouldRefuseANonPositiveInterval() {
    assertThatThrownBy(() -> DemoFeed.events(START, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("demo point interval must be > 0: PT0S");
  }

  @Test
  void shouldMakeLossWatchReportExactlyTheStagedIncidents() {
    LossWatch watch = LossWatch.defaults();
    Map<String, LossWatchState> states = new TreeMap<>();
    Map<String, List<RunEvent.Kind>> kinds = new TreeMap<>();
    for (DemoFeed.Timed t : EVENTS) {
      if (t.event() instanceof MetricPoint p) {
        LossWatchState st = states.computeIfAbsent(p.getRunId(), k -> new LossWatchState());
        List<RunEvent.Kind> seen = kinds.computeIfAbsent(p.getRunId(), k -> new ArrayList<>());
        watch.offer(st, p.getStep(), p.getValue()).forEach(e -> seen.add(e.kind()));
      }
    }
    assertThat(kinds)
        .containsEntry(
            DemoFeed.SPIKE_RECOVERS, List.of(RunEvent.Kind.SPIKE, RunEvent.Kind.SPIKE_RECOVERED))
        .containsEntry(DemoFeed.ONE_STEP_BLIP, List.of(RunEvent.Kind.BLIP))
        .containsEntry(DemoFeed.DIVERGES, List.of(RunEvent.Kind.NON_FINITE))
        .containsEntry(DemoFeed.STALLS, List.of())
        .containsEntry(DemoFeed.SMOOTH_CONTROL, List.of());
  }

  @Test
  void shouldEndEveryLiveRunExceptTheStallingOne() {
    Predicate<Run> ended =
        r -> r.getStatus() == RunStatus.FINISHED || r.getStatus() == RunStatus.FAILED;
    assertThat(EVENTS)
        .extracting(DemoFeed.Timed::event)
        .filteredOn(e -> e instanceof Run r && r.getModelFamily() == null && ended.test(r))
        .extracting(e -> ((Run) e).getRunId())
        .containsExactlyInAnyOrder(
            DemoFeed.SPIKE_RECOVERS,
            DemoFeed.ONE_STEP_BLIP,
            DemoFeed.DIVERGES,
            DemoFeed.SMOOTH_CONTROL);
  }

  @Test
  void shouldShowEmergenceBetween2_8BAnd6_9BOnTheEmergentTaskOnly() {
    Emergence emergent = emergence(DemoFeed.EMERGENT_TASK);
    assertThat(emergent.emergent()).as(emergent.reason()).isTrue();
    assertThat(emergent.xBefore()).isEqualTo(2.8e9);
    assertThat(emergent.xAfter()).isEqualTo(6.9e9);

    Emergence control = emergence(DemoFeed.CONTROL_TASK);
    assertThat(control.emergent()).as(control.reason()).isFalse();
  }

  private static Emergence emergence(String task) {
    List<EvalResult> evals =
        EVENTS.stream()
            .map(DemoFeed.Timed::event)
            .filter(e -> e instanceof EvalResult r && r.getTask().equals(task))
            .map(EvalResult.class::cast)
            .toList();
    assertThat(evals).hasSize(DemoFeed.SIZES.size());
    double[] xs = DemoFeed.SIZES.stream().mapToDouble(Long::doubleValue).toArray();
    double[] ys = evals.stream().mapToDouble(EvalResult::getValue).toArray();
    return EmergenceDetector.forBound(1).detect(xs, ys);
  }
}
