package dev.scalewatch.sinks.route;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Alertmanager API v2's body: an array of one postable alert with {@code labels}, {@code
 * annotations}, {@code startsAt}, {@code endsAt} and {@code generatorURL}.
 *
 * <p>Labels identify an alert in Alertmanager: the alert's own labels (alertname, severity,
 * project, run or task, metric), with {@code alertname}, {@code severity} and {@code project}
 * always set and {@code alert_id} added, so two episodes of one run stay two alerts. Label names
 * outside {@code [a-zA-Z_][a-zA-Z0-9_]*} get {@code _} for the other characters; empty values are
 * left out. While firing, {@code endsAt} is four resend intervals ahead (as Prometheus does): if
 * ScaleWatch stops re-sending, Alertmanager resolves the alert by itself then. Resolved: the
 * alert's end time.
 */
final class AlertmanagerFormat implements PayloadFormat {

  private final Duration resendInterval;

  AlertmanagerFormat(Duration resendInterval) {
    this.resendInterval = resendInterval;
  }

  @Override
  public byte[] body(Alert alert, String link, Instant now) {
    ArrayNode body = JSON.createArrayNode();
    ObjectNode postable = body.addObject();
    ObjectNode labels = postable.putObject("labels");
    for (Map.Entry<String, String> label : alert.getLabels().entrySet()) {
      putLabel(labels, label.getKey(), label.getValue());
    }
    putLabel(labels, "alertname", "scalewatch_" + alert.getKind().name().toLowerCase(Locale.ROOT));
    putLabel(labels, "severity", alert.getSeverity().name().toLowerCase(Locale.ROOT));
    putLabel(labels, "project", alert.getProject());
    labels.put("alert_id", alert.getId());
    ObjectNode annotations = postable.putObject("annotations");
    annotations.put("summary", alert.getSummary());
    if (alert.getEvidence() != null) {
      annotations.put("description", alert.getEvidence());
    }
    annotations.put("kind", alert.getKind().name());
    Instant startsAt = alert.getStartsAt();
    postable.put("startsAt", startsAt.toString());
    postable.put("endsAt", endsAt(alert, now).toString());
    postable.put("generatorURL", link);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private Instant endsAt(Alert alert, Instant now) {
    Instant startsAt = alert.getStartsAt();
    if (alert.getState() == AlertState.RESOLVED) {
      Instant ended = alert.getEndsAt() != null ? alert.getEndsAt() : now;
      // Alertmanager refuses an end before the start (event time may come from a skewed clock).
      return ended.isBefore(startsAt) ? startsAt : ended;
    }
    Instant from = now.isBefore(startsAt) ? startsAt : now;
    return from.plus(resendInterval.multipliedBy(4));
  }

  /** Keeps an existing label (the alert's own wins), skipping empty values. */
  private static void putLabel(ObjectNode labels, String name, String value) {
    String key = labelName(name);
    if (value != null && !value.isEmpty() && !labels.has(key)) {
      labels.put(key, value);
    }
  }

  static String labelName(String name) {
    String cleaned = name.replaceAll("[^a-zA-Z0-9_]", "_");
    return cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0)) ? "_" + cleaned : cleaned;
  }
}
