package dev.scalewatch.schemas;

import java.util.List;
import java.util.Optional;

/**
 * Names of ScaleWatch's Kafka topics and the value class each one carries.
 *
 * <p>Use {@link #DATA} to create the topics and {@link #spec(String)} to find the value class of a
 * topic. The registry's own {@link #SCHEMAS} topic carries JSON, not Avro, and is not in {@link
 * #DATA}. Stateless and thread-safe.
 */
public final class Topics {

  /**
   * Raw events from training jobs ({@link RawEvent}: a Run, MetricPoint or EvalResult), key = run
   * id.
   */
  public static final String RAW = "scalewatch.raw";

  /**
   * Validated run metadata ({@link Run}), compacted, key = {@link RunKey} ({@code
   * <project>/<run_id>}), partitioned by run id.
   */
  public static final String RUNS = "scalewatch.runs";

  /** Validated metric points ({@link MetricPoint}), key = run id. */
  public static final String METRICS = "scalewatch.metrics";

  /** Validated eval results ({@link EvalResult}), key = run id. */
  public static final String EVALS = "scalewatch.evals";

  /** Scaling-law fits ({@link Fit}), key = fit key. */
  public static final String FITS = "scalewatch.fits";

  /** Alerts ({@link Alert}), key = alert id. */
  public static final String ALERTS = "scalewatch.alerts";

  /** Rejected records with the reason ({@link DeadLetter}), key = original key. */
  public static final String DEAD_LETTERS = "scalewatch.dead-letters";

  /** The schema registry's store: compacted, one partition, JSON keys and values. */
  public static final String SCHEMAS = "_schemas";

  /** Every Avro topic of the pipeline, in flow order. */
  public static final List<TopicSpec> DATA =
      List.of(
          new TopicSpec(RAW, RawEvent.class, false),
          new TopicSpec(RUNS, Run.class, true),
          new TopicSpec(METRICS, MetricPoint.class, false),
          new TopicSpec(EVALS, EvalResult.class, false),
          new TopicSpec(FITS, Fit.class, false),
          new TopicSpec(ALERTS, Alert.class, false),
          new TopicSpec(DEAD_LETTERS, DeadLetter.class, false));

  private Topics() {}

  /** Returns the spec of a data topic, or empty for any other name (including {@link #SCHEMAS}). */
  public static Optional<TopicSpec> spec(String topic) {
    return DATA.stream().filter(s -> s.name().equals(topic)).findFirst();
  }

  /** Returns the value subject of a topic under the topic-name strategy: {@code <topic>-value}. */
  public static String valueSubject(String topic) {
    return topic + "-value";
  }

  /** Returns the key subject of a topic under the topic-name strategy: {@code <topic>-key}. */
  public static String keySubject(String topic) {
    return topic + "-key";
  }
}
