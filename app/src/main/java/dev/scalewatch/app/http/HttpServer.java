package dev.scalewatch.app.http;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;

/**
 * The stack's HTTP server on the conventional port 8080: health now; the ingest gateway and the
 * dashboard mount their routes here as they arrive.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class HttpServer implements AutoCloseable {

  private final Javalin javalin;

  private HttpServer(Javalin javalin) {
    this.javalin = javalin;
  }

  /** Starts serving {@code GET /health} on {@code host:port} (0 picks a free port). */
  public static HttpServer start(String host, int port, Health health) {
    Javalin javalin =
        Javalin.create(config -> config.showJavalinBanner = false)
            .get(
                "/health",
                ctx -> {
                  Health.Report report = health.check();
                  ctx.status(report.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
                })
            .start(host, port);
    return new HttpServer(javalin);
  }

  public int port() {
    return javalin.port();
  }

  @Override
  public void close() {
    javalin.stop();
  }
}
