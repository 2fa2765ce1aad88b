package dev.scalewatch.sinks.store;

import dev.scalewatch.schemas.MetricPoint;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's progress as far as one batch of points shows it: its highest step, newest event time and
 * latest loss point (the highest step among metrics whose name contains "loss", as the run
 * monitor's default). Merged into {@code run_progress} by taking the greater values.
 */
record RunProgress(
    String project, String runId, long lastStep, long lastEventMillis, MetricPoint lastLoss) {

  /** The progress of every run with points in the batch. */
  static Collection<RunProgress> of(Collection<MetricPoint> points) {
    Map<List<String>, RunProgress> runs = new LinkedHashMap<>();
    for (MetricPoint point : points) {
      runs.merge(
          List.of(point.getProject(), point.getRunId()),
          new RunProgress(
              point.getProject(),
              point.getRunId(),
              point.getStep(),
              point.getEventTime().toEpochMilli(),
              isLoss(point) ? point : null),
          RunProgress::merge);
    }
    return runs.values();
  }

  static boolean isLoss(MetricPoint point) {
    return point.getMetric().toLowerCase(Locale.ROOT).contains("loss");
  }

  private RunProgress merge(RunProgress other) {
    MetricPoint loss = lastLoss;
    if (other.lastLoss != null && (loss == null || other.lastLoss.getStep() >= loss.getStep())) {
      loss = other.lastLoss;
    }
    return new RunProgress(
        project,
        runId,
        Math.max(lastStep, other.lastStep),
        Math.max(lastEventMillis, other.lastEventMillis),
        loss);
  }
}
