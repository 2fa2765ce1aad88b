package dev.scalewatch.app.serve;

import dev.scalewatch.app.embedded.FreePorts;
import dev.scalewatch.app.http.Health;
import dev.scalewatch.app.http.HttpServer;
import dev.scalewatch.ingest.gateway.Admission;
import dev.scalewatch.ingest.gateway.IngestGateway;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.sinks.api.StoreApi;
import dev.scalewatch.sinks.consume.StoreSink;
import dev.scalewatch.sinks.metrics.FlinkJobMetrics;
import dev.scalewatch.sinks.metrics.MetricsEndpoint;
import dev.scalewatch.sinks.metrics.TopicMetrics;
import dev.scalewatch.sinks.route.AlertRouter;
import dev.scalewatch.sinks.route.AlertRoutingSink;
import dev.scalewatch.sinks.store.Store;
import dev.scalewatch.sinks.web.ChangeFeed;
import dev.scalewatch.sinks.web.Dashboard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The serving half of ScaleWatch, the same in {@code up} and {@code serve}: the sink that fills the
 * store from the topics, alert routing, the metrics derived from the topics (and from the Flink
 * jobs when their REST address is known), and the HTTP server with health, the ingest gateway, the
 * store's JSON API, the live change feed, the dashboard and {@code /metrics}.
 *
 * <p>The caller opens the store (so a database it cannot use is refused before anything starts) and
 * keeps closing it; {@link #close()} stops the rest in reverse start order. Start and close from
 * one thread.
 */
public final class Serving implements AutoCloseable {

  private final StartedParts started = new StartedParts();
  private final String publicUrl;
  private StoreSink storeSink;
  private AlertRoutingSink alertRouting;
  private HttpServer http;

  private Serving(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  /**
   * Starts every part against the given Kafka cluster and registry.
   *
   * @param health the caller's components; the store and alert routing are added to it
   * @param metrics where the serving metrics are registered (the caller may add its own)
   * @param flinkRest the stream jobs' Flink REST address for the refit and late-point metrics, if
   *     known
   * @param admission whether the gateway takes events right now
   */
  public static Serving start(
      ServingConfig config,
      String bootstrapServers,
      SchemaRegistryClient registry,
      Store store,
      Health health,
      MetricsEndpoint metrics,
      Optional<String> flinkRest,
      Admission admission)
      throws Exception {
    // Resolved now: the links in alert payloads name the dashboard's port.
    int httpPort = FreePorts.resolve(config.host(), config.httpPort());
    Serving serving = new Serving(publicUrl(config, httpPort));
    try {
      MeterRegistry meters = metrics.registry();
      serving.storeSink = serving.track(StoreSink.start(bootstrapServers, registry, store));
      serving.alertRouting =
          serving.track(
              AlertRoutingSink.start(
                  bootstrapServers,
                  registry,
                  AlertRouter.start(config.routing(), serving.publicUrl, meters)));
      serving.track(TopicMetrics.start(bootstrapServers, registry, meters));
      lagGauge(meters, "store-sink", serving.storeSink, StoreSink::lagRecords);
      lagGauge(meters, "alert-routing", serving.alertRouting, AlertRoutingSink::lagRecords);
      if (flinkRest.isPresent()) {
        serving.track(FlinkJobMetrics.start(flinkRest.get(), meters));
      }
      ChangeFeed changes = serving.track(new ChangeFeed());
      serving.storeSink.addListener(changes);
      health
          .register(
              "store", store.location(), serving.storeSink::isRunning, serving.storeSink::details)
          .register(
              "alerts",
              Topics.ALERTS + " -> " + config.routing().receivers().size() + " receivers",
              serving.alertRouting::isRunning,
              serving.alertRouting::details);
      IngestGateway gateway =
          serving.track(new IngestGateway(config.gateway(), bootstrapServers, registry, admission));
      serving.http =
          serving.track(
              HttpServer.start(
                  config.host(),
                  httpPort,
                  health,
                  2L * config.gateway().maxBytes(),
                  List.of(
                      gateway::addRoutes,
                      new StoreApi(store.reader())::addRoutes,
                      metrics::addRoutes,
                      changes::addRoutes,
                      new Dashboard()::addRoutes)));
      // Stopped before the HTTP server: batches in progress are answered, later ones get a 503.
      serving.track(() -> gateway.drain(Duration.ofSeconds(20)));
      return serving;
    } catch (Exception | Error e) {
      serving.close();
      throw e;
    }
  }

  /** A gauge of the records of its input topics {@code consumer} has not read yet. */
  public static <T> void lagGauge(
      MeterRegistry meters, String consumer, T component, ToLongFunction<T> lag) {
    Gauge.builder("scalewatch_consumer_lag_records", component, lag::applyAsLong)
        .description("Records of its input topics a consumer has not read yet (-1: not known yet)")
        .tag("consumer", consumer)
        .register(meters);
  }

  private static String publicUrl(ServingConfig config, int httpPort) {
    if (!config.publicUrl().isEmpty()) {
      return config.publicUrl();
    }
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      try {
        host = InetAddress.getLocalHost().getCanonicalHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
    }
    return "http://" + host + ":" + httpPort;
  }

  private <T extends AutoCloseable> T track(T part) {
    return started.track(part);
  }

  /** The dashboard's base address as alert links name it. */
  public String publicUrl() {
    return publicUrl;
  }

  /** The port the HTTP server listens on. */
  public int httpPort() {
    return http.port();
  }

  /** The store's sink: what it wrote and skipped since it started. */
  public StoreSink storeSink() {
    return storeSink;
  }

  /** Alert routing: what it delivered is counted on {@code /metrics}. */
  public AlertRoutingSink alertRouting() {
    return alertRouting;
  }

  @Override
  public void close() {
    started.close();
  }
}
