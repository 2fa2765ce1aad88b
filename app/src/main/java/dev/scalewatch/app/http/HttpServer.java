package dev.scalewatch.app.http;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.function.Consumer;

/**
 * The stack's HTTP server on the conventional port 8080: {@code GET /health}, and the routes of
 * other components (the ingest gateway, the store's API, the dashboard).
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class HttpServer implements AutoCloseable {

  private final Javalin javalin;

  private HttpServer(Javalin javalin) {
    this.javalin = javalin;
  }

  /**
   * Starts serving {@code GET /health} and the given routes on {@code host:port} (0 picks a free
   * port). Bodies up to {@code maxRequestBytes} are read; route handlers enforce their own limits.
   */
  public static HttpServer start(
      String host, int port, Health health, long maxRequestBytes, List<Consumer<Javalin>> routes) {
    Javalin javalin =
        Javalin.create(
                config -> {
                  config.showJavalinBanner = false;
                  config.http.maxRequestSize = maxRequestBytes;
                })
            .get(
                "/health",
                ctx -> {
                  Health.Report report = health.check();
                  ctx.status(report.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                      .json(report);
                });
    routes.forEach(route -> route.accept(javalin));
    javalin.start(host, port);
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
