package dev.scalewatch.app.embedded;

import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.http.Health;
import dev.scalewatch.app.serve.Serving;
import dev.scalewatch.app.serve.ServingConfig;
import dev.scalewatch.app.serve.StartedParts;
import dev.scalewatch.app.serve.StoreOpening;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.jobs.JobsConfig;
import dev.scalewatch.jobs.StreamJobs;
import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.sinks.consume.StoreSink;
import dev.scalewatch.sinks.metrics.MetricsEndpoint;
import dev.scalewatch.sinks.route.AlertRoutingSink;
import dev.scalewatch.sinks.store.Store;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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

  private final StartedParts started = new StartedParts();
  private EmbeddedKafkaBroker broker;
  private EmbeddedSchemaRegistry registry;
  private Normalizer normalizer;
  private EmbeddedFlink flink;
  private Health health;
  private Store store;
  private Serving serving;
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
    MetricsEndpoint metrics = new MetricsEndpoint();
    Serving.lagGauge(metrics.registry(), "normalizer", normalizer, Normalizer::lag);
    Gauge.builder("scalewatch_normalizer_delay_seconds", normalizer, n -> n.delayMillis() / 1000.0)
        .description("How long the records the normalizer read in the last minute had waited")
        .register(metrics.registry());
    serving =
        track(
            Serving.start(
                new ServingConfig(
                    config.host(),
                    config.httpPort(),
                    "",
                    config.gateway(),
                    config.store(),
                    config.routing()),
                broker.bootstrapServers(),
                registryClient,
                store,
                health,
                metrics,
                Optional.of(flink.restAddress()),
                disk::refusal));
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
    return started.track(component);
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
    return "http://" + host + ":" + serving.httpPort();
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
    return serving.alertRouting();
  }

  /** The store's sink: what it wrote and skipped since the stack started. */
  public StoreSink storeSink() {
    return serving.storeSink();
  }

  @Override
  public void close() {
    started.close();
  }
}
