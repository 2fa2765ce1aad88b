package dev.scalewatch.laws.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannedScheduleTest {

  static Map<String, String> wsd() {
    Map<String, String> c = new HashMap<>();
    c.put("lr_schedule", "wsd");
    c.put("lr_max", "3e-4");
    c.put("lr_warmup_steps", "500");
    c.put("lr_decay_start", "16000");
    c.put("lr_total_steps", "20000");
    return c;
  }

  @Test
  void readsAWsdPlanAndGivesItsLearningRateAtEveryStep() {
    PlannedSchedule plan = PlannedSchedule.fromConfig(wsd()).orElseThrow();

    assertThat(plan.kind()).isEqualTo(PlannedSchedule.Kind.WSD);
    assertThat(plan.totalSteps()).isEqualTo(20_000);
    assertThat(plan.lr(250)).isCloseTo(1.5e-4, offset(1e-12));
    assertThat(plan.lr(10_000)).isEqualTo(3e-4);
    assertThat(plan.lr(18_000)).isCloseTo(1.5e-4, offset(1e-12));
    assertThat(plan.lr(20_000)).isZero();
  }

  @Test
  void decayStepsAreAnAlternativeToTheDecayStart() {
    Map<String, String> c = wsd();
    c.remove("lr_decay_start");
    c.put("lr_decay_steps", "4000");
    c.put("lr_decay_shape", "sqrt");
    c.put("lr_min", "3e-5");
    PlannedSchedule plan = PlannedSchedule.fromConfig(c).orElseThrow();

    assertThat(plan.decayStart()).isEqualTo(16_000);
    assertThat(plan.lr(17_000)).isCloseTo(3e-5 + 2.7e-4 * 0.5, offset(1e-12));
    assertThat(plan.lr(20_000)).isCloseTo(3e-5, offset(1e-12));
  }

  @Test
  void readsACosinePlan() {
    PlannedSchedule plan =
        PlannedSchedule.fromConfig(
                Map.of(
                    "lr_schedule", "Cosine",
                    "lr_max", "1e-3",
                    "lr_min", "1e-4",
                    "lr_warmup_steps", "100",
                    "lr_total_steps", "1100"))
            .orElseThrow();

    assertThat(plan.lr(600)).isCloseTo(5.5e-4, offset(1e-12));
    assertThat(plan.lr(1100)).isCloseTo(1e-4, offset(1e-12));
  }

  @Test
  void noScheduleKeyMeansNoPlan() {
    assertThat(PlannedSchedule.fromConfig(Map.of("lr", "3e-4"))).isEmpty();
  }

  @Test
  void aBadPlanNamesTheKeyAndTheValue() {
    Map<String, String> c = wsd();
    c.put("lr_max", "fast");
    assertThatThrownBy(() -> PlannedSchedule.fromConfig(c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lr_max must be a finite number: 'fast'");

    Map<String, String> late = wsd();
    late.put("lr_decay_start", "30000");
    assertThatThrownBy(() -> PlannedSchedule.fromConfig(late))
        .hasMessageContaining(
            "the decay must start in [lr_warmup_steps = 500, lr_total_steps = 20000)");

    Map<String, String> both = wsd();
    both.put("lr_decay_steps", "4000");
    assertThatThrownBy(() -> PlannedSchedule.fromConfig(both))
        .hasMessageContaining("exactly one of lr_decay_start and lr_decay_steps");

    assertThatThrownBy(() -> PlannedSchedule.fromConfig(Map.of("lr_schedule", "step")))
        .hasMessageContaining("lr_schedule must be wsd, cosine or constant: 'step'");
  }

  @Test
  void theLoggedLearningRateIsContinuedByThePlanScaledToMeetIt() {
    PlannedSchedule plan = PlannedSchedule.fromConfig(wsd()).orElseThrow();
    long[] steps = {100, 500, 5_000, 10_000};
    double[] lrs = {0.3e-4, 1.5e-4, 1.5e-4, 1.5e-4}; // half the planned rate throughout

    LrSchedule schedule = plan.after(steps, lrs);

    assertThat(schedule.lastStep()).isEqualTo(20_000);
    assertThat(schedule.peakStep()).isEqualTo(500);
    double stable = schedule.forwardArea(16_000) - schedule.forwardArea(15_999);
    assertThat(stable).isCloseTo(1.5e-4, offset(1e-12));
    assertThat(schedule.annealingArea(16_000)).isZero();
    assertThat(schedule.annealingArea(20_000)).isPositive();
  }

  @Test
  void withoutAPlanTheLastLoggedRateIsHeldToTheEnd() {
    LrSchedule held =
        PlannedSchedule.held(new long[] {500, 1_000}, new double[] {3e-4, 2e-4}, 5_000);

    assertThat(held.lastStep()).isEqualTo(5_000);
    assertThat(held.forwardArea(5_000) - held.forwardArea(4_999)).isCloseTo(2e-4, offset(1e-12));
  }
}
