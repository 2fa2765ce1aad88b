package dev.scalewatch.sinks.route;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.schemas.Alert;
import java.time.Instant;

/** Turns an alert into the body one receiver type takes. Implementations are stateless. */
interface PayloadFormat {

  ObjectMapper JSON = new ObjectMapper();

  /**
   * The JSON body for this alert.
   *
   * @param link the dashboard page of the alert
   * @param now the time of this delivery attempt
   */
  byte[] body(Alert alert, String link, Instant now);

  static PayloadFormat of(ReceiverType type, RoutingConfig config) {
    return switch (type) {
      case WEBHOOK -> new WebhookFormat();
      case SLACK -> new SlackFormat();
      case ALERTMANAGER -> new AlertmanagerFormat(config.resendInterval());
    };
  }
}
