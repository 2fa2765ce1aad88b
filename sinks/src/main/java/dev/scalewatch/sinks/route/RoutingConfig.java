package dev.scalewatch.sinks.route;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where alerts go: named receivers, and routes from a project to receiver names ({@code *} for
 * every project without a route of its own). Validated at construction, naming the setting.
 *
 * @param receivers the receivers, names unique
 * @param routes receiver names by project; {@code *} is the default route
 * @param resendInterval how often firing alerts are sent to Alertmanager again (it resolves an
 *     alert by itself when it hears nothing past its endsAt)
 * @param queueCapacity alerts waiting per receiver; when full the oldest is dropped (counted)
 * @param requestTimeout how long one delivery attempt may take, connection included
 * @param initialBackoff pause after the first failed attempt, doubled after each next one
 * @param maxBackoff the longest pause between attempts
 */
public record RoutingConfig(
    List<Receiver> receivers,
    Map<String, List<String>> routes,
    Duration resendInterval,
    int queueCapacity,
    Duration requestTimeout,
    Duration initialBackoff,
    Duration maxBackoff) {

  /** The route of projects without one of their own. */
  public static final String DEFAULT_ROUTE = "*";

  public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofSeconds(60);
  public static final int DEFAULT_QUEUE_CAPACITY = 1000;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);

  /** No receivers: alerts are followed (for the firing gauge) but delivered nowhere. */
  public static final RoutingConfig NONE = of(List.of(), Map.of());

  public RoutingConfig {
    receivers = List.copyOf(receivers);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    routes.forEach((project, names) -> copy.put(project, List.copyOf(names)));
    routes = Map.copyOf(copy);
    Set<String> names = new TreeSet<>();
    for (Receiver receiver : receivers) {
      if (!names.add(receiver.name())) {
        throw new IllegalArgumentException(
            "alert-receivers: receiver name '" + receiver.name() + "' is given twice");
      }
    }
    for (var route : routes.entrySet()) {
      for (String name : route.getValue()) {
        if (!names.contains(name)) {
          throw new IllegalArgumentException(
              "alert-routes: project '"
                  + route.getKey()
                  + "' routes to unknown receiver '"
                  + name
                  + "' (receivers: "
                  + (names.isEmpty() ? "none; define them with alert-receivers" : names)
                  + ")");
        }
      }
    }
    requirePositive("alert-resend-interval", resendInterval);
    requirePositive("request timeout", requestTimeout);
    requirePositive("initial backoff", initialBackoff);
    requirePositive("max backoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "max backoff must be >= initial backoff: " + maxBackoff + " < " + initialBackoff);
    }
    if (queueCapacity < 1 || queueCapacity > 1_000_000) {
      throw new IllegalArgumentException(
          "alert-queue-capacity must be between 1 and 1000000: " + queueCapacity);
    }
  }

  /** Receivers and routes with the default timings. */
  public static RoutingConfig of(List<Receiver> receivers, Map<String, List<String>> routes) {
    return new RoutingConfig(
        receivers,
        routes,
        DEFAULT_RESEND_INTERVAL,
        DEFAULT_QUEUE_CAPACITY,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF);
  }

  /**
   * Parses the two settings as {@code up} takes them: receivers {@code NAME=TYPE:URL,...} (a comma
   * inside a URL is kept: entries split only before {@code NAME=TYPE:}) and routes {@code
   * PROJECT=NAME+NAME,...}. Empty routes with receivers given route every project to all of them.
   *
   * @throws IllegalArgumentException naming the entry that does not parse
   */
  public static RoutingConfig parse(
      String receiversText, String routesText, Duration resendInterval, int queueCapacity) {
    List<Receiver> receivers = parseReceivers(receiversText);
    Map<String, List<String>> routes = parseRoutes(routesText);
    if (routes.isEmpty() && !receivers.isEmpty()) {
      routes = Map.of(DEFAULT_ROUTE, receivers.stream().map(Receiver::name).toList());
    }
    return new RoutingConfig(
        receivers,
        routes,
        resendInterval,
        queueCapacity,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF);
  }

  static List<Receiver> parseReceivers(String text) {
    List<Receiver> receivers = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return receivers;
    }
    for (String entry : text.trim().split(",(?=\\s*[A-Za-z0-9_.-]+\\s*=\\s*[A-Za-z]+:)")) {
      int eq = entry.indexOf('=');
      int colon = entry.indexOf(':', eq + 1);
      if (eq <= 0 || colon < 0) {
        throw new IllegalArgumentException(
            "alert-receivers entries are NAME=TYPE:URL (e.g. ops=alertmanager:http://127.0.0.1:9093):"
                + " '"
                + entry
                + "'");
      }
      String url = entry.substring(colon + 1).trim();
      try {
        receivers.add(
            new Receiver(
                entry.substring(0, eq).trim(),
                ReceiverType.parse(entry.substring(eq + 1, colon)),
                new URI(url)));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(
            "alert-receivers: not a URL in '" + entry + "': " + e.getMessage());
      }
    }
    return receivers;
  }

  static Map<String, List<String>> parseRoutes(String text) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return routes;
    }
    for (String entry : text.trim().split(",")) {
      int eq = entry.lastIndexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "alert-routes entries are PROJECT=RECEIVER[+RECEIVER...] (PROJECT * for the default;"
                + " an empty list routes nowhere): '"
                + entry
                + "'");
      }
      String project = entry.substring(0, eq).trim();
      List<String> names = new ArrayList<>();
      for (String name : entry.substring(eq + 1).split("\\+")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
      if (routes.put(project, names) != null) {
        throw new IllegalArgumentException(
            "alert-routes: project '" + project + "' has two routes; join them with '+'");
      }
    }
    return routes;
  }

  /** The receiver names an alert of this project goes to (none if no route applies). */
  public List<String> receiversFor(String project) {
    List<String> names = routes.get(project);
    return names != null ? names : routes.getOrDefault(DEFAULT_ROUTE, List.of());
  }

  /** A copy with other timings (tests use short ones). */
  public RoutingConfig withTimings(
      Duration resendInterval,
      Duration requestTimeout,
      Duration initialBackoff,
      Duration maxBackoff) {
    return new RoutingConfig(
        receivers,
        routes,
        resendInterval,
        queueCapacity,
        requestTimeout,
        initialBackoff,
        maxBackoff);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }
}
