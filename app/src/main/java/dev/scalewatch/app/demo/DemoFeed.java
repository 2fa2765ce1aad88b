package dev.scalewatch.app.demo;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * The built-in demo of {@code scalewatch up --demo}: synthetic events, all in one project ({@value
 * #PROJECT} unless another is given, to play it again beside the first), with event times around
 * the start, that make each stream job raise its alerts within about a minute.
 *
 * <ul>
 *   <li>A sweep of family {@value #FAMILY}: six finished runs of 70M to 6.9B parameters (planned
 *       tokens 20 per parameter), one size every 8 point intervals, each evaluated on {@value
 *       #EMERGENT_TASK} (near 0.02, then 0.52 at 6.9B: EMERGENCE between 2.8B and 6.9B) and {@value
 *       #CONTROL_TASK} (error a power law in size: nothing).
 *   <li>Five live runs logging {@code train/loss = 2 + 10 step^-0.3} with 1% noise, one point per
 *       interval each, {@code tokens_seen = 4096 step}: {@value #SPIKE_RECOVERS} (3x for 5 steps
 *       from step 80: LOSS_SPIKE, then resolved), {@value #ONE_STEP_BLIP} (3x at one step:
 *       nothing), {@value #DIVERGES} (NaN from step 90: DIVERGENCE), {@value #STALLS} (silent after
 *       step 60 without finishing: STALL after the stall gap) and {@value #SMOOTH_CONTROL}
 *       (nothing). Each starts with a RUNNING run record and, except the stalling one, ends with
 *       FINISHED (or FAILED after diverging).
 * </ul>
 *
 * <p>At the default interval of 250 ms the feed lasts 160 intervals (40 s); the last alert, the
 * stall, comes one stall gap after step 60. The events are a pure function of the start and the
 * interval (fixed seed), so two demos send the same values. Stateless and thread-safe.
 */
public final class DemoFeed {

  public static final String PROJECT = "demo";
  public static final String FAMILY = "demo-family";
  public static final String EMERGENT_TASK = "emergent_arithmetic";
  public static final String CONTROL_TASK = "smooth_cloze";
  public static final String EVAL_METRIC = "acc";
  public static final String LOSS_METRIC = "train/loss";

  public static final String SPIKE_RECOVERS = "spike-recovers";
  public static final String ONE_STEP_BLIP = "one-step-blip";
  public static final String DIVERGES = "diverges";
  public static final String STALLS = "stalls";
  public static final String SMOOTH_CONTROL = "smooth-control";

  /** The live runs, in the order they are described. */
  public static final List<String> LIVE_RUNS =
      List.of(SPIKE_RECOVERS, ONE_STEP_BLIP, DIVERGES, STALLS, SMOOTH_CONTROL);

  /** Parameter counts of the sweep (Pythia-like sizes). */
  public static final List<Long> SIZES =
      List.of(
          70_000_000L, 160_000_000L, 410_000_000L, 1_000_000_000L, 2_800_000_000L, 6_900_000_000L);

  /** Emergent task accuracy per size: near its floor, then a jump at the largest. */
  static final double[] EMERGENT_ACCURACY = {0.020, 0.018, 0.023, 0.021, 0.034, 0.520};

  /** Default time between two points of a live run: four points per second. */
  public static final Duration DEFAULT_POINT_INTERVAL = Duration.ofMillis(250);

  static final int SWEEP_EVERY_POINTS = 8;
  static final long INCIDENT_STEP = 80;
  static final long SPIKE_STEPS = 5;
  static final long NAN_STEP = 90;
  static final long DIVERGES_LAST_STEP = 100;
  static final long STALL_AFTER_STEP = 60;
  static final long LAST_STEP = 160;
  static final long TOKENS_PER_STEP = 4096;
  static final long SEED = 8;

  /** One event and when to send it, counted from the start of the feed. */
  public record Timed(Duration offset, SpecificRecord event) {}

  private DemoFeed() {}

  /** The loss curve without noise: {@code 2 + 10 step^-0.3}. */
  static double loss(long step) {
    return 2 + 10 * Math.pow(step, -0.3);
  }

  /** The control task's accuracy at a size: its error falls as a power law, {@code N^-0.111}. */
  static double controlAccuracy(long parameters) {
    return 1 - 0.75 * Math.pow(parameters / 7e7, -0.111);
  }

  /**
   * Every event of the demo, in sending order, with event times {@code start + offset}.
   *
   * @param start event time of the first event (usually now)
   * @param pointInterval time between two points of a live run (sweep sizes come every {@value
   *     #SWEEP_EVERY_POINTS} intervals)
   * @throws IllegalArgumentException if the interval is not positive
   */
  public static List<Timed> events(Instant start, Duration pointInterval) {
    return events(start, pointInterval, PROJECT);
  }

  /**
   * As {@link #events(Instant, Duration)}, in another project (the demo again, or side by side).
   */
  public static List<Timed> events(Instant start, Duration pointInterval, String project) {
    Objects.requireNonNull(start, "start");
    if (pointInterval == null || pointInterval.isZero() || pointInterval.isNegative()) {
      throw new IllegalArgumentException("demo point interval must be > 0: " + pointInterval);
    }
    List<Timed> events = new ArrayList<>();
    for (String runId : LIVE_RUNS) {
      events.add(new Timed(Duration.ZERO, liveRun(project, runId, RunStatus.RUNNING, start, null)));
    }
    for (int i = 0; i < SIZES.size(); i++) {
      Duration at = pointInterval.multipliedBy((long) SWEEP_EVERY_POINTS * (i + 1));
      sweepRun(project, i, start.plus(at)).forEach(e -> events.add(new Timed(at, e)));
    }
    Random noise = new Random(SEED);
    for (long step = 1; step <= LAST_STEP; step++) {
      Duration at = pointInterval.multipliedBy(step);
      Instant time = start.plus(at);
      for (String runId : LIVE_RUNS) {
        double value = loss(step) * (1 + 0.01 * noise.nextGaussian());
        if (runId.equals(STALLS) && step > STALL_AFTER_STEP) {
          continue;
        }
        if (runId.equals(DIVERGES) && step > DIVERGES_LAST_STEP) {
          continue;
        }
        if (runId.equals(SPIKE_RECOVERS)
            && step >= INCIDENT_STEP
            && step < INCIDENT_STEP + SPIKE_STEPS) {
          value = 3 * loss(step);
        }
        if (runId.equals(ONE_STEP_BLIP) && step == INCIDENT_STEP) {
          value = 3 * loss(step);
        }
        if (runId.equals(DIVERGES) && step >= NAN_STEP) {
          value = Double.NaN;
        }
        events.add(new Timed(at, point(project, runId, step, value, time)));
        if (runId.equals(DIVERGES) && step == DIVERGES_LAST_STEP) {
          events.add(new Timed(at, liveRun(project, runId, RunStatus.FAILED, start, time)));
        }
        if (step == LAST_STEP) {
          events.add(new Timed(at, liveRun(project, runId, RunStatus.FINISHED, start, time)));
        }
      }
    }
    events.sort(Comparator.comparing(Timed::offset)); // stable: same-time events keep their order
    return List.copyOf(events);
  }

  /** How long the feed sends, from its start to its last event. */
  public static Duration duration(Duration pointInterval) {
    return pointInterval.multipliedBy(LAST_STEP);
  }

  private static Run liveRun(
      String project, String runId, RunStatus status, Instant start, Instant end) {
    return Run.newBuilder()
        .setProject(project)
        .setRunId(runId)
        .setName(runId)
        .setParameters(410_000_000L)
        .setPlannedTokens(LAST_STEP * TOKENS_PER_STEP)
        .setStatus(status)
        .setStartedAt(start)
        .setEndedAt(end)
        .setUpdatedAt(end != null ? end : start)
        .setTags(Map.of("source", "scalewatch demo"))
        .build();
  }

  private static MetricPoint point(
      String project, String runId, long step, double value, Instant time) {
    return MetricPoint.newBuilder()
        .setProject(project)
        .setRunId(runId)
        .setStep(step)
        .setTokensSeen(step * TOKENS_PER_STEP)
        .setMetric(LOSS_METRIC)
        .setValue(value)
        .setEventTime(time)
        .build();
  }

  /** A finished sweep run of size {@code i} and its two evals. */
  private static List<SpecificRecord> sweepRun(String project, int i, Instant time) {
    long parameters = SIZES.get(i);
    long tokens = 20 * parameters;
    String runId = FAMILY + "-" + label(parameters);
    Run run =
        Run.newBuilder()
            .setProject(project)
            .setRunId(runId)
            .setName(runId)
            .setModelFamily(FAMILY)
            .setParameters(parameters)
            .setPlannedTokens(tokens)
            .setStatus(RunStatus.FINISHED)
            .setStartedAt(time)
            .setEndedAt(time)
            .setUpdatedAt(time)
            .setTags(Map.of("source", "scalewatch demo"))
            .build();
    long step = tokens / (1L << 21); // 2M-token batches
    return List.of(
        run,
        eval(project, runId, EMERGENT_TASK, EMERGENT_ACCURACY[i], step, tokens, time),
        eval(project, runId, CONTROL_TASK, controlAccuracy(parameters), step, tokens, time));
  }

  private static EvalResult eval(
      String project,
      String runId,
      String task,
      double value,
      long step,
      long tokens,
      Instant time) {
    return EvalResult.newBuilder()
        .setProject(project)
        .setRunId(runId)
        .setStep(step)
        .setTokensSeen(tokens)
        .setTask(task)
        .setMetric(EVAL_METRIC)
        .setValue(value)
        .setSampleCount(1000L)
        .setEventTime(time)
        .build();
  }

  /** {@code 70m}, {@code 1b}, {@code 2.8b}. */
  static String label(long parameters) {
    if (parameters >= 1_000_000_000L) {
      return trim(parameters / 1e9) + "b";
    }
    return trim(parameters / 1e6) + "m";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
