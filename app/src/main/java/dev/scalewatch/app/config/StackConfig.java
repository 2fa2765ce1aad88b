package dev.scalewatch.app.config;

import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Addresses and storage of the embedded stack, fixed before it starts.
 *
 * <p>A port of 0 asks for a free port (the tests use it). Validated at construction: a bad value
 * fails here, with the setting's name, rather than deep inside a component.
 *
 * @param dataDirectory where the broker log, Flink state and everything else persistent lives
 * @param host the address every component binds to and advertises
 * @param kafkaPort the broker's client listener
 * @param controllerPort the KRaft controller listener
 * @param registryPort the schema registry's REST API
 * @param httpPort the HTTP server (health, and later gateway and dashboard)
 * @param flinkPort Flink's REST endpoint
 * @param partitions partitions of each ScaleWatch topic created on first start
 * @param minFreeDiskBytes below this much free space on the data directory's disk, new events are
 *     refused (see {@code DiskGuard})
 * @param gateway tokens and limits of the HTTP ingest gateway
 * @param jobs what the user sets of the stream jobs
 * @param store where the store lives: DuckDB under the data directory, or PostgreSQL
 * @param routing alert receivers and the routes from projects to them
 */
public record StackConfig(
    Path dataDirectory,
    String host,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    int httpPort,
    int flinkPort,
    int partitions,
    long minFreeDiskBytes,
    GatewayConfig gateway,
    JobSettings jobs,
    StoreSettings store,
    RoutingConfig routing) {

  public StackConfig {
    if (dataDirectory == null) {
      throw new IllegalArgumentException("data-dir must be set");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be set, e.g. 127.0.0.1");
    }
    requirePort("kafka-port", kafkaPort);
    requirePort("controller-port", controllerPort);
    requirePort("registry-port", registryPort);
    requirePort("http-port", httpPort);
    requirePort("flink-port", flinkPort);
    if (minFreeDiskBytes < 0) {
      throw new IllegalArgumentException("min-free-disk must be >= 0: " + minFreeDiskBytes);
    }
    if (gateway == null) {
      throw new IllegalArgumentException("gateway config must be set");
    }
    if (jobs == null) {
      throw new IllegalArgumentException("jobs settings must be set");
    }
    if (store == null) {
      throw new IllegalArgumentException("store settings must be set");
    }
    if (routing == null) {
      throw new IllegalArgumentException("alert routing must be set (RoutingConfig.NONE for none)");
    }
    if (partitions < 1 || partitions > 1024) {
      throw new IllegalArgumentException(
          "partitions must be between 1 and 1024: " + partitions + " (4 suits one machine)");
    }
  }

  /** The reserve kept free for the stack's own writes: 1 GiB. */
  public static final long DEFAULT_MIN_FREE_DISK_BYTES = 1L << 30;

  /** Defaults for tests: free ports on loopback, state under the given directory, no tokens. */
  public static StackConfig ephemeral(Path dataDirectory) {
    return ephemeral(dataDirectory, Map.of());
  }

  /** As {@link #ephemeral(Path)}, with gateway tokens (token to project). */
  public static StackConfig ephemeral(Path dataDirectory, Map<String, String> projectsByToken) {
    return new StackConfig(
        dataDirectory,
        "127.0.0.1",
        0,
        0,
        0,
        0,
        0,
        2,
        DEFAULT_MIN_FREE_DISK_BYTES,
        new GatewayConfig(
            projectsByToken, GatewayConfig.DEFAULT_MAX_EVENTS, GatewayConfig.DEFAULT_MAX_BYTES),
        JobSettings.DEFAULTS,
        StoreSettings.EMBEDDED,
        RoutingConfig.NONE);
  }

  /** A copy with another stall gap. */
  public StackConfig withStallGap(Duration gap) {
    return with(jobs.withStallGap(gap), store, routing);
  }

  /** A copy with another store. */
  public StackConfig withStore(StoreSettings otherStore) {
    return with(jobs, otherStore, routing);
  }

  /** A copy with other alert routing. */
  public StackConfig withRouting(RoutingConfig otherRouting) {
    return with(jobs, store, otherRouting);
  }

  private StackConfig with(
      JobSettings otherJobs, StoreSettings otherStore, RoutingConfig otherRouting) {
    return new StackConfig(
        dataDirectory,
        host,
        kafkaPort,
        controllerPort,
        registryPort,
        httpPort,
        flinkPort,
        partitions,
        minFreeDiskBytes,
        gateway,
        otherJobs,
        otherStore,
        otherRouting);
  }

  private static void requirePort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          name + " must be between 0 and 65535: " + port + " (0 picks a free port)");
    }
  }
}
