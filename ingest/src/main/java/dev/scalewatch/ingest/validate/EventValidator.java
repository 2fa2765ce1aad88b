package dev.scalewatch.ingest.validate;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Checks the rules of the event contract that Avro's types cannot express, for the HTTP gateway and
 * the Kafka Streams normalizer alike.
 *
 * <p>Rules: {@code project}, {@code run_id}, {@code metric}, {@code task} and {@code split} are
 * non-blank and at most {@value #MAX_NAME_CHARS} characters (a longer string is rejected, never
 * truncated); names ({@code project}, {@code run_id}, {@code metric}, {@code task}, {@code split},
 * {@code name}, {@code model_family}, map keys) hold no control character (NUL, newline, tab, DEL,
 * C1); {@code step} {@literal >=} 0; {@code tokens_seen}, parameter counts (of runs, points and
 * evals), planned tokens, {@code sample_count} and {@code shots} {@literal >=} 0 when present;
 * {@code flops} and {@code stderr} finite and {@literal >=} 0 when present; {@code event_time} and
 * {@code updated_at} after the epoch ({@literal >} 0 ms), {@code ended_at} not before {@code
 * started_at}; optional names at most {@value #MAX_NAME_CHARS} characters, {@code dataset} at most
 * {@value #MAX_VALUE_CHARS}; {@code hyperparameters} and {@code tags} at most {@value
 * #MAX_MAP_ENTRIES} entries with keys of at most {@value #MAX_NAME_CHARS} and values of at most
 * {@value #MAX_VALUE_CHARS} characters, each map at most {@value #MAX_MAP_BYTES} bytes (UTF-8 keys
 * and values together); {@code event_time} and {@code updated_at} at most {@link #MAX_AHEAD} after
 * the validator's clock.
 *
 * <p>The size and time limits make sure that whatever is accepted can be written to every topic
 * downstream: the largest valid Run (two full maps and every string at its limit) stays under 600
 * KB, below the 1 MiB that producers and the broker accept by default, and the broker refuses
 * record timestamps more than an hour ahead ({@code log.message.timestamp.after.max.ms}), which the
 * normalized topics carry as event time.
 *
 * <p>A NaN or infinite {@code value} is valid: it is the divergence signal and passes through (the
 * normalizer flags it). {@code step} is a long, so it is finite by type.
 *
 * <p>Failure behaviour: never throws for a non-null event; every broken rule is one {@link
 * Violation} (an empty list means valid), in field order. Thread-safe (its only state is the
 * clock); free of Kafka types.
 */
public final class EventValidator {

  /** Longest project, run id, metric, task, split, name or map key, in characters. */
  public static final int MAX_NAME_CHARS = 256;

  /** Longest map value or dataset, in characters (4 KiB of ASCII). */
  public static final int MAX_VALUE_CHARS = 4096;

  /** Most entries of {@code hyperparameters} or {@code tags}. */
  public static final int MAX_MAP_ENTRIES = 1000;

  /**
   * Most bytes (UTF-8 keys and values together) of {@code hyperparameters} or of {@code tags}: 256
   * KiB.
   */
  public static final int MAX_MAP_BYTES = 256 * 1024;

  /** How far ahead of the validator's clock an event time may be. */
  public static final Duration MAX_AHEAD = Duration.ofHours(1);

  private final Clock clock;

  /** Creates a validator on the system clock; one instance can serve every thread. */
  public EventValidator() {
    this(Clock.systemUTC());
  }

  /** Creates a validator that checks event times against {@code clock}. */
  public EventValidator(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Checks a Run, MetricPoint or EvalResult, whichever {@code event} is.
   *
   * @throws IllegalArgumentException if the event is none of those
   */
  public List<Violation> validate(SpecificRecord event) {
    if (event instanceof Run run) {
      return validate(run);
    }
    if (event instanceof MetricPoint point) {
      return validate(point);
    }
    if (event instanceof EvalResult eval) {
      return validate(eval);
    }
    throw new IllegalArgumentException(
        "not a Run, MetricPoint or EvalResult: " + event.getSchema().getFullName());
  }

  /**
   * Checks a run's metadata.
   *
   * @return the broken rules, empty if the run is valid
   * @throws NullPointerException if {@code run} is null
   */
  public List<Violation> validate(Run run) {
    Objects.requireNonNull(run, "run");
    Violations v = new Violations();
    v.requiredText("project", run.getProject(), MAX_NAME_CHARS);
    v.requiredText("run_id", run.getRunId(), MAX_NAME_CHARS);
    v.optionalName("name", run.getName(), MAX_NAME_CHARS);
    v.optionalName("model_family", run.getModelFamily(), MAX_NAME_CHARS);
    v.nonNegative("parameters", run.getParameters());
    v.nonNegative("non_embedding_parameters", run.getNonEmbeddingParameters());
    v.nonNegative("planned_tokens", run.getPlannedTokens());
    v.optionalText("dataset", run.getDataset(), MAX_VALUE_CHARS);
    v.boundedMap(
        "hyperparameters",
        run.getHyperparameters(),
        MAX_MAP_ENTRIES,
        MAX_NAME_CHARS,
        MAX_VALUE_CHARS,
        MAX_MAP_BYTES);
    v.boundedMap(
        "tags", run.getTags(), MAX_MAP_ENTRIES, MAX_NAME_CHARS, MAX_VALUE_CHARS, MAX_MAP_BYTES);
    if (run.getStatus() == null) {
      v.add("status", null, "is required (UNKNOWN if not known)");
    }
    v.optionalTime("started_at", run.getStartedAt());
    v.optionalTime("ended_at", run.getEndedAt());
    if (run.getStartedAt() != null
        && run.getEndedAt() != null
        && run.getEndedAt().isBefore(run.getStartedAt())) {
      v.add(
          "ended_at",
          run.getEndedAt().toEpochMilli(),
          "must not be before started_at " + run.getStartedAt().toEpochMilli());
    }
    v.requiredTime("updated_at", run.getUpdatedAt());
    v.notAhead("updated_at", run.getUpdatedAt(), clock.instant(), MAX_AHEAD);
    return v.list();
  }

  /**
   * Checks a metric point; a NaN or infinite value is valid.
   *
   * @return the broken rules, empty if the point is valid
   * @throws NullPointerException if {@code point} is null
   */
  public List<Violation> validate(MetricPoint point) {
    Objects.requireNonNull(point, "point");
    Violations v = new Violations();
    checkProgress(
        v,
        point.getProject(),
        point.getRunId(),
        point.getStep(),
        point.getTokensSeen(),
        point.getFlops());
    v.nonNegative("parameters", point.getParameters());
    v.requiredTime("event_time", point.getEventTime());
    v.notAhead("event_time", point.getEventTime(), clock.instant(), MAX_AHEAD);
    v.requiredText("metric", point.getMetric(), MAX_NAME_CHARS);
    v.requiredText("split", point.getSplit(), MAX_NAME_CHARS);
    return v.list();
  }

  /**
   * Checks an eval result; a NaN or infinite value is valid.
   *
   * @return the broken rules, empty if the result is valid
   * @throws NullPointerException if {@code eval} is null
   */
  public List<Violation> validate(EvalResult eval) {
    Objects.requireNonNull(eval, "eval");
    Violations v = new Violations();
    checkProgress(
        v,
        eval.getProject(),
        eval.getRunId(),
        eval.getStep(),
        eval.getTokensSeen(),
        eval.getFlops());
    v.nonNegative("parameters", eval.getParameters());
    v.requiredText("task", eval.getTask(), MAX_NAME_CHARS);
    v.requiredText("metric", eval.getMetric(), MAX_NAME_CHARS);
    v.finiteNonNegative("stderr", eval.getStderr());
    v.nonNegative("sample_count", eval.getSampleCount());
    v.nonNegative("shots", eval.getShots());
    v.requiredTime("event_time", eval.getEventTime());
    v.notAhead("event_time", eval.getEventTime(), clock.instant(), MAX_AHEAD);
    return v.list();
  }

  /**
   * Checks the fields that place a point or eval in a run's training: who, step, tokens, compute.
   */
  private static void checkProgress(
      Violations v, String project, String runId, long step, Long tokens, Double flops) {
    v.requiredText("project", project, MAX_NAME_CHARS);
    v.requiredText("run_id", runId, MAX_NAME_CHARS);
    v.nonNegative("step", step);
    v.nonNegative("tokens_seen", tokens);
    v.finiteNonNegative("flops", flops);
  }
}
