package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one committed store transaction changed, for whoever shows the store live: the runs whose
 * record arrived, each run's series that got points (up to which step), the tasks that got eval
 * results, the fit keys refitted and the alerts that changed state. Each entry names a key only
 * (clients fetch what they show). Immutable.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoreChange(
    List<RunRef> runs,
    List<SeriesTail> series,
    List<TaskRef> evals,
    List<FitRef> fits,
    List<AlertRef> alerts) {

  /** A run whose record changed. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record RunRef(String project, String runId) {}

  /** A series of a run that got points; {@code lastStep} is the highest step written. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SeriesTail(
      String project, String runId, String metric, String split, long lastStep) {}

  /** A task of a project that got eval results. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record TaskRef(String project, String task) {}

  /** A fit key that got a new fit (task and run as the fit names them, null if none). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FitRef(String project, String key, String task, String runId, long sequence) {}

  /** An alert that was written in a state. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record AlertRef(String id, String project, String kind, String state) {}

  public StoreChange {
    runs = List.copyOf(runs);
    series = List.copyOf(series);
    evals = List.copyOf(evals);
    fits = List.copyOf(fits);
    alerts = List.copyOf(alerts);
  }

  /** What writing {@code batch} changes (its offsets alone change nothing anyone sees). */
  static StoreChange of(Batch batch) {
    Set<RunRef> runs = new LinkedHashSet<>();
    batch.runs().forEach(r -> runs.add(new RunRef(r.getProject(), r.getRunId())));
    Map<List<String>, Long> tails = new LinkedHashMap<>();
    for (var point : batch.points()) {
      tails.merge(
          List.of(point.getProject(), point.getRunId(), point.getMetric(), point.getSplit()),
          point.getStep(),
          Math::max);
    }
    List<SeriesTail> series = new ArrayList<>();
    tails.forEach(
        (key, step) ->
            series.add(new SeriesTail(key.get(0), key.get(1), key.get(2), key.get(3), step)));
    Set<TaskRef> tasks = new LinkedHashSet<>();
    batch.evals().forEach(e -> tasks.add(new TaskRef(e.getProject(), e.getTask())));
    List<FitRef> fits = new ArrayList<>();
    batch
        .fits()
        .forEach(
            f ->
                fits.add(
                    new FitRef(
                        f.getProject(), f.getKey(), f.getTask(), f.getRunId(), f.getSequence())));
    List<AlertRef> alerts = new ArrayList<>();
    batch
        .alerts()
        .forEach(
            a ->
                alerts.add(
                    new AlertRef(
                        a.getId(), a.getProject(), a.getKind().name(), a.getState().name())));
    return new StoreChange(List.copyOf(runs), series, List.copyOf(tasks), fits, alerts);
  }

  /** True if nothing a reader sees changed. */
  public boolean isEmpty() {
    return runs.isEmpty()
        && series.isEmpty()
        && evals.isEmpty()
        && fits.isEmpty()
        && alerts.isEmpty();
  }
}
