package dev.scalewatch.sinks.route;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.json.AvroJson;
import java.time.Instant;
import java.util.Locale;

/**
 * The generic webhook body: {@code {"version": "1", "status": "firing"|"resolved", "link": ...,
 * "sent_at": ..., "alert": {...}}}, the alert with the contract's field names (times as epoch
 * milliseconds, NaN as {@code "NaN"}).
 */
final class WebhookFormat implements PayloadFormat {

  @Override
  public byte[] body(Alert alert, String link, Instant now) {
    ObjectNode body = JSON.createObjectNode();
    body.put("version", "1");
    body.put("status", alert.getState().name().toLowerCase(Locale.ROOT));
    body.put("link", link);
    body.put("sent_at", now.toEpochMilli());
    body.set("alert", AvroJson.toJson(alert));
    return body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
