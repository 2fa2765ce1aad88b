package dev.scalewatch.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP receiver on loopback (the JDK's server) that records every body posted to it; it can
 * answer an error status or hang until closed.
 */
public final class LocalReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final LinkedBlockingQueue<Post> posts = new LinkedBlockingQueue<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile int status = 200;
  private volatile boolean hang;

  public record Post(String path, String contentType, JsonNode body) {}

  private LocalReceiver(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (hang) {
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
          }
          posts.add(
              new Post(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  JSON.readTree(body)));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  /** A receiver on a free port. */
  public static LocalReceiver start() throws IOException {
    return new LocalReceiver(0);
  }

  /** A receiver on the given port (to bring one back where another was down). */
  public static LocalReceiver startOn(int port) throws IOException {
    return new LocalReceiver(port);
  }

  public LocalReceiver answering(int status) {
    this.status = status;
    return this;
  }

  public LocalReceiver hanging() {
    this.hang = true;
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The next post, waiting up to {@code wait}; fails if none comes. */
  public Post next(Duration wait) throws InterruptedException {
    Post post = posts.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (post == null) {
      throw new AssertionError("no post within " + wait);
    }
    return post;
  }

  /** The next post if one comes within {@code wait}, else null. */
  public Post poll(Duration wait) throws InterruptedException {
    return posts.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  public List<Post> drain() {
    List<Post> all = new ArrayList<>();
    posts.drainTo(all);
    return all;
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
