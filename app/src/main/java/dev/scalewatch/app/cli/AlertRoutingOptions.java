package dev.scalewatch.app.cli;

import dev.scalewatch.sinks.route.RoutingConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Alert receivers and routes, shared by {@code up} and {@code serve}. */
public final class AlertRoutingOptions {

  @Option(
      names = "--alert-receivers",
      paramLabel = "NAME=TYPE:URL[,...]",
      defaultValue = "",
      description =
          "Where alerts are delivered: named receivers of type webhook (JSON), slack (an incoming"
              + " webhook URL) or alertmanager (the server's base URL; alerts go to"
              + " /api/v2/alerts), e.g. ops=alertmanager:http://127.0.0.1:9093,"
              + "team=slack:https://hooks.slack.com/services/T/B/X (default: none).")
  String alertReceivers;

  @Option(
      names = "--alert-routes",
      paramLabel = "PROJECT=NAME[+NAME...][,...]",
      defaultValue = "",
      description =
          "Which receivers get a project's alerts; * is every project without a route of its own,"
              + " e.g. sweep-7=team+ops,*=ops (default: every project to every receiver).")
  String alertRoutes;

  @Option(
      names = "--alert-resend-interval",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "How often alerts still firing are sent to Alertmanager again; each send asks it to keep"
              + " the alert four intervals (default: ${DEFAULT-VALUE}).")
  long alertResendSeconds;

  @Option(
      names = "--alert-queue-capacity",
      paramLabel = "ALERTS",
      defaultValue = "1000",
      description =
          "Alerts waiting per receiver while it is slow or down; when full the oldest is dropped"
              + " and counted (default: ${DEFAULT-VALUE}).")
  int alertQueueCapacity;

  /** The routing configuration; throws if a receiver or route does not parse. */
  RoutingConfig config() {
    return RoutingConfig.parse(
        alertReceivers, alertRoutes, Duration.ofSeconds(alertResendSeconds), alertQueueCapacity);
  }

  /** The receivers as the start-up summary lists them, or how to add one. */
  static String describe(RoutingConfig routing) {
    return routing.receivers().isEmpty()
        ? "no receivers: set --alert-receivers name=type:url to deliver them"
        : routing.receivers().stream()
            .map(r -> r.name() + " (" + r.type().configName() + ")")
            .toList()
            .toString();
  }
}
