package dev.scalewatch.registry;

import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry served in process: the REST API subset Confluent's clients
 * use, schemas kept in a compacted Kafka topic so that ids survive restarts.
 *
 * <p>{@link #start(RegistryConfig)} creates the topic if missing, replays it to the end, then
 * listens; it returns a ready registry or throws. Failures to start raise {@link
 * dev.scalewatch.schemas.registry.SchemaRegistryException} (store) or {@link IllegalStateException}
 * (port in use), after releasing what was opened. Thread-safe.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

  private final SchemaLog log;
  private final Javalin server;
  private final String url;
  private volatile boolean ready;

  private EmbeddedSchemaRegistry(SchemaLog log, Javalin server, String host) {
    this.log = log;
    this.server = server;
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    this.url =
        String.format(
            Locale.ROOT,
            "http://%s:%d",
            reachable.contains(":") ? "[" + reachable + "]" : reachable,
            server.port());
    this.ready = true;
  }

  /**
   * Starts a registry over the Kafka topic {@code config.topic()} at {@code
   * config.bootstrapServers()}.
   *
   * @throws IllegalArgumentException if no bootstrap servers are set
   */
  public static EmbeddedSchemaRegistry start(RegistryConfig config) {
    if (config.bootstrapServers() == null || config.bootstrapServers().isBlank()) {
      throw new IllegalArgumentException(
          "registry bootstrap servers must be set, e.g. localhost:9092");
    }
    return start(
        config, SchemaLog.kafka(config.bootstrapServers(), config.topic(), config.timeout()));
  }

  /**
   * Starts a registry over a given log (e.g. {@link SchemaLog#inMemory()} in tests); closes the log
   * on close.
   */
  public static EmbeddedSchemaRegistry start(RegistryConfig config, SchemaLog log) {
    Objects.requireNonNull(log, "log");
    Javalin server = null;
    try {
      RegistryApi api = new RegistryApi(new SchemaStore(log));
      server =
          Javalin.create(
              cfg -> {
                cfg.showJavalinBanner = false;
                cfg.startupWatcherEnabled = false;
                cfg.router.ignoreTrailingSlashes = true;
                QueuedThreadPool pool = new QueuedThreadPool(16, 2);
                pool.setName("scalewatch-registry");
                cfg.jetty.threadPool = pool;
              });
      api.install(server);
      try {
        server.start(config.host(), config.port());
      } catch (JavalinBindException e) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "registry cannot listen on %s:%d (%s): choose "
                    + "another registry port, or 0 to pick a free one",
                config.host(),
                config.port(),
                e.getMessage()),
            e);
      }
      EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(log, server, config.host());
      LOG.info("schema registry listening at {} (topic {})", registry.url(), config.topic());
      return registry;
    } catch (RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      log.close();
      throw e;
    }
  }

  /** Returns the base URL, e.g. {@code http://127.0.0.1:8081}, for {@code schema.registry.url}. */
  public String url() {
    return url;
  }

  /** Returns the port listened on (the picked one when configured with 0). */
  public int port() {
    return server.port();
  }

  /** Returns true from start until close: the store is replayed and the server listens. */
  public boolean isReady() {
    return ready;
  }

  /** Stops listening and closes the log; idempotent, never throws. */
  @Override
  public synchronized void close() {
    if (!ready) {
      return;
    }
    ready = false;
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the schema registry server failed", e);
    }
    log.close();
  }
}
