package dev.scalewatch.sinks.store;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records to write in one transaction, with the next Kafka offset of each partition they came from.
 * Within a batch the last record of a natural key wins (as it would across batches), so that no
 * upsert statement touches one row twice. Not thread-safe.
 */
public final class Batch {

  /** The next offset to read of one topic partition. */
  public record Offset(String topic, int partition, long next) {}

  private final Map<List<Object>, Run> runs = new LinkedHashMap<>();
  private final Map<List<Object>, MetricPoint> points = new LinkedHashMap<>();
  private final Map<List<Object>, EvalResult> evals = new LinkedHashMap<>();
  private final Map<List<Object>, Fit> fits = new LinkedHashMap<>();
  private final Map<List<Object>, Alert> alerts = new LinkedHashMap<>();
  private final Map<List<Object>, Offset> offsets = new LinkedHashMap<>();

  public Batch add(Run run) {
    runs.put(List.of(run.getProject(), run.getRunId()), run);
    return this;
  }

  public Batch add(MetricPoint point) {
    points.put(
        List.of(
            point.getProject(),
            point.getRunId(),
            point.getMetric(),
            point.getSplit(),
            point.getStep()),
        point);
    return this;
  }

  public Batch add(EvalResult eval) {
    evals.put(
        List.of(
            eval.getProject(),
            eval.getRunId(),
            eval.getTask(),
            eval.getMetric(),
            shotsKey(eval),
            eval.getStep()),
        eval);
    return this;
  }

  public Batch add(Fit fit) {
    fits.put(List.of(fit.getProject(), fit.getKey(), fit.getSequence()), fit);
    return this;
  }

  public Batch add(Alert alert) {
    alerts.put(List.of(alert.getId(), alert.getState().name()), alert);
    return this;
  }

  /** Records that {@code partition} of {@code topic} is read up to {@code next} (exclusive). */
  public Batch offset(String topic, int partition, long next) {
    offsets.put(Arrays.asList(topic, partition), new Offset(topic, partition, next));
    return this;
  }

  /** Number of rows to upsert (after merging repeated keys), offsets not counted. */
  public int rows() {
    return runs.size() + points.size() + evals.size() + fits.size() + alerts.size();
  }

  public boolean isEmpty() {
    return rows() == 0 && offsets.isEmpty();
  }

  /** What writing this batch changes, for live readers (see {@link StoreChange}). */
  public StoreChange changes() {
    return StoreChange.of(this);
  }

  static int shotsKey(EvalResult eval) {
    return eval.getShots() == null ? -1 : eval.getShots();
  }

  Collection<Run> runs() {
    return runs.values();
  }

  Collection<MetricPoint> points() {
    return points.values();
  }

  Collection<EvalResult> evals() {
    return evals.values();
  }

  Collection<Fit> fits() {
    return fits.values();
  }

  Collection<Alert> alerts() {
    return alerts.values();
  }

  Collection<Offset> offsets() {
    return offsets.values();
  }
}
