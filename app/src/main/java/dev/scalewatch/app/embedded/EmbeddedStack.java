package dev.scalewatch.app.embedded;

import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.http.Health;
import dev.scalewatch.app.http.HttpServer;
import dev.scalewatch.ingest.gateway.IngestGateway;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.jobs.JobsConfig;
import dev.scalewatch.jobs.StreamJobs;
import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole ScaleWatch stack in one process: KRaft broker, schema registry, the Kafka Streams
 * normalizer, one Flink MiniCluster running the stream jobs (run monitor, sweep fitter), the store
 * (DuckDB under {@code <data>/store}, or PostgreSQL) with the sink that fills it, alert routing to
 * the configured receivers, the metrics derived from the topics and the jobs, and the HTTP server
 * (health, the ingest gateway, the store's JSON API, the web dashboard with its live change feed,
 * and {@code /metrics}), with every piece of state under {@link StackConfig#dataDirectory()}.
 *
 * <p>Start order follows dependencies (data directory lock, a check that every port is free, the
 * store, disk guard, broker, topics, registry, normalizer, Flink, the store's sink, alert routing
 * and topic metrics, the jobs, HTTP); {@link #close()} stops them in reverse. If a component fails
 * to start, the ones already started are stopped and the cause is thrown. Not thread-safe: start
 * and close from one thread (close is idempotent).
 */
public final class EmbeddedStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);
  private static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(1);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedKafkaBroker broker;
  private EmbeddedSchemaRegistry registry;
  private Normalizer normalizer;
  private EmbeddedFlink flink;
  private HttpServer http;
  private Health health;
  private Store store;
  private StoreSink storeSink;
  private AlertRoutingSink alertRouting;
  private MetricsEndpoint metrics;
  private SchemaRegistryClient registryClient;
  private String host;

  private EmbeddedStack() {}

  /** Starts every component; throws (after stopping what started) if one fails. */
  public static EmbeddedStack start(StackConfig config) throws Exception {
    EmbeddedStack stack = new EmbeddedStack();
    try {
      stack.startComponents(config);
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startComponents(StackConfig config) throws Exception {
    host = config.host();
    var data = config.dataDirectory();
    track(DataDirectoryLock.acquire(data));
    PortPreflight.requireFree(config.host(), portsByFlag(config));
    // Before the broker: an unreachable database is a one-line refusal with nothing started.
    store = track(StoreOpening.open(config.store(), data));
    DiskGuard disk = track(DiskGuard.start(data, config.minFreeDiskBytes(), DISK_CHECK_INTERVAL));
    broker =
        track(
            EmbeddedKafkaBroker.start(
                data.resolve("kafka"),
                config.host(),
                config.kafkaPort(),
                config.controllerPort(),
                disk::accepting));
    var created = TopicSetup.ensureTopics(broker.admin(), config.partitions());
    if (!created.isEmpty()) {
      log.info("Created topics {}", created);
    }
    for (String change : TopicSetup.ensureRequiredConfigs(broker.admin())) {
      log.info("Changed topic setting {}", change);
    }
    registry =
        track(
            EmbeddedSchemaRegistry.start(
                RegistryConfig.of(
                    broker.bootstrapServers(), config.host(), config.registryPort())));
    registryClient = track(SchemaRegistryClients.forUrl(registry.url()));
    ContractRegistration.registerAll(registryClient);
    normalizer =
        track(
            Normalizer.start(
                NormalizerConfig.of(
                    broker.bootstrapServers(), registry.url(), data.resolve("streams"))));
    flink = track(EmbeddedFlink.start(data.resolve("flink"), config.host(), config.flinkPort()));
    storeSink = track(StoreSink.start(broker.bootstrapServers(), registryClient, store));
    // Resolved now: the links in alert payloads name the dashboard's port.
    int httpPort = FreePorts.resolve(config.host(), config.httpPort());
    metrics = new MetricsEndpoint();
    MeterRegistry meters = metrics.registry();
    alertRouting =
        track(
            AlertRoutingSink.start(
                broker.bootstrapServers(),
                registryClient,
                AlertRouter.start(config.routing(), "http://" + host + ":" + httpPort, meters)));
    track(TopicMetrics.start(broker.bootstrapServers(), registryClient, meters));
    registerConsumerGauges(meters);
    ChangeFeed changes = track(new ChangeFeed());
    storeSink.addListener(changes);
    health =
        new Health()
            .register("broker", broker.bootstrapServers(), broker::isHealthy)
            .register("registry", registry.url(), registry::isReady)
            .register(
                "normalizer",
                Topics.RAW + " -> normalized topics",
                normalizer::isRunning,
                normalizer::healthDetails)
            .register("flink", flink.restAddress(), flink::isHealthy)
            .register("store", store.location(), storeSink::isRunning, storeSink::details)
            .register(
                "alerts",
                Topics.ALERTS + " -> " + config.routing().receivers().size() + " receivers",
                alertRouting::isRunning,
                alertRouting::details)
            // A nearly full disk refuses new events but stops nothing: the component stays UP.
            .register("disk", disk.directory().toString(), () -> true, disk::details);
    JobsConfig jobs =
        config
            .jobs()
            .applyTo(
                JobsConfig.builder(
                    broker.bootstrapServers(), registry.url(), data.resolve("checkpoints")))
            .build();
    submitJob(health, StreamJobs.RUN_MONITOR, jobs, StreamJobs::addRunMonitor);
    submitJob(health, StreamJobs.SWEEP_FITTER, jobs, StreamJobs::addSweepFitter);
    track(FlinkJobMetrics.start(flink.restAddress(), meters));
    IngestGateway gateway =
        track(
            new IngestGateway(
                config.gateway(), broker.bootstrapServers(), registryClient, disk::refusal));
    http =
        track(
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
    track(() -> gateway.drain(Duration.ofSeconds(20)));
  }

  /**
   * Consumer lag of the normalizer, the store sink and alert routing, and the normalizer's delay.
   */
  private void registerConsumerGauges(MeterRegistry meters) {
    lagGauge(meters, "normalizer", normalizer, Normalizer::lag);
    lagGauge(meters, "store-sink", storeSink, StoreSink::lagRecords);
    lagGauge(meters, "alert-routing", alertRouting, AlertRoutingSink::lagRecords);
    Gauge.builder("scalewatch_normalizer_delay_seconds", normalizer, n -> n.delayMillis() / 1000.0)
        .description("How long the records the normalizer read in the last minute had waited")
        .register(meters);
  }

  private static <T> void lagGauge(
      MeterRegistry meters,
      String consumer,
      T component,
      java.util.function.ToLongFunction<T> lag) {
    Gauge.builder("scalewatch_consumer_lag_records", component, c -> lag.applyAsLong(c))
        .description("Records of its input topics a consumer has not read yet (-1: not known yet)")
        .tag("consumer", consumer)
        .register(meters);
  }

  /** Builds one job, submits it (resuming from its newest checkpoint) and reports it on /health. */
  private void submitJob(
      Health health,
      String name,
      JobsConfig jobs,
      BiConsumer<StreamExecutionEnvironment, JobsConfig> build)
      throws Exception {
    var env = flink.environment(StreamJobs.jobConfiguration(jobs, name));
    build.accept(env, jobs);
    JobID id = flink.submit(env, name);
    // Cancelled before the MiniCluster stops, so tasks end cleanly; checkpoints are retained.
    track(() -> flink.cancel(id).get(30, TimeUnit.SECONDS));
    health.register("job " + name, id.toString(), () -> flink.isRunning(id));
  }

  private static Map<String, Integer> portsByFlag(StackConfig config) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("--kafka-port", config.kafkaPort());
    ports.put("--controller-port", config.controllerPort());
    ports.put("--registry-port", config.registryPort());
    ports.put("--flink-port", config.flinkPort());
    ports.put("--http-port", config.httpPort());
    return ports;
  }

  private <T extends AutoCloseable> T track(T component) {
    started.push(component);
    return component;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public String flinkRestAddress() {
    return flink.restAddress();
  }

  public String httpUrl() {
    return "http://" + host + ":" + http.port();
  }

  /** The web dashboard's address. */
  public String dashboardUrl() {
    return httpUrl() + "/";
  }

  /** What {@code GET /health} answers now. */
  public Health.Report health() {
    return health.check();
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  public EmbeddedFlink flink() {
    return flink;
  }

  /** The DuckDB file or the PostgreSQL URL (without its password). */
  public String storeLocation() {
    return store.location();
  }

  /** Alert routing: what it delivered is counted on {@code /metrics}. */
  public AlertRoutingSink alertRouting() {
    return alertRouting;
  }

  /** The store's sink: what it wrote and skipped since the stack started. */
  public StoreSink storeSink() {
    return storeSink;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        log.warn(
            "Stopping {} failed; continuing with the rest",
            component.getClass().getSimpleName(),
            e);
      }
    }
  }
}
