package dev.scalewatch.jobs.alert;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Interval;
import dev.scalewatch.schemas.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds FIRING alert records with the labels every receiver groups by (kind, severity, project,
 * and run or task). Stateless.
 */
public final class Alerts {

  private Alerts() {}

  /** A firing alert about a run's metric. */
  public static Alert.Builder aboutRun(
      String id,
      AlertKind kind,
      Severity severity,
      String project,
      String runId,
      String metric,
      String summary,
      String evidence,
      long startsAtMillis) {
    Map<String, String> labels = labels(kind, severity, project);
    labels.put("run_id", runId);
    labels.put("metric", metric);
    return base(id, kind, severity, project, summary, evidence, startsAtMillis, labels)
        .setRunId(runId)
        .setMetric(metric);
  }

  /** A firing alert about a sweep's task. */
  public static Alert.Builder aboutSweep(
      String id,
      AlertKind kind,
      Severity severity,
      String project,
      String family,
      String task,
      String metric,
      String summary,
      String evidence,
      long startsAtMillis) {
    Map<String, String> labels = labels(kind, severity, project);
    labels.put("model_family", family);
    labels.put("task", task);
    labels.put("metric", metric);
    return base(id, kind, severity, project, summary, evidence, startsAtMillis, labels)
        .setTask(task)
        .setMetric(metric);
  }

  /** An interval record. */
  public static Interval interval(double lower, double upper, double level) {
    return Interval.newBuilder().setLower(lower).setUpper(upper).setLevel(level).build();
  }

  /** A number in 4 significant digits, for summaries. */
  public static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static Map<String, String> labels(AlertKind kind, Severity severity, String project) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", "scalewatch_" + kind.name().toLowerCase(Locale.ROOT));
    labels.put("severity", severity.name().toLowerCase(Locale.ROOT));
    labels.put("project", project);
    return labels;
  }

  private static Alert.Builder base(
      String id,
      AlertKind kind,
      Severity severity,
      String project,
      String summary,
      String evidence,
      long startsAtMillis,
      Map<String, String> labels) {
    return Alert.newBuilder()
        .setId(id)
        .setKind(kind)
        .setSeverity(severity)
        .setState(AlertState.FIRING)
        .setProject(project)
        .setSummary(summary)
        .setEvidence(evidence)
        .setStartsAt(Instant.ofEpochMilli(startsAtMillis))
        .setLabels(new LinkedHashMap<>(labels));
  }
}
