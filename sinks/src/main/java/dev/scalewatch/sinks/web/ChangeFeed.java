package dev.scalewatch.sinks.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.sinks.store.StoreChange;
import io.javalin.Javalin;
import io.javalin.http.sse.SseClient;
import java.io.UncheckedIOException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the store's changes to browsers as server-sent events on {@code GET /api/events}: a {@code
 * hello} event on connect, then a {@code change} event (a {@link StoreChange} in JSON) per
 * committed store transaction, a keep-alive comment after {@value #KEEP_ALIVE_SECONDS} s of quiet.
 *
 * <p>{@link #accept} never blocks: each client has a queue of at most {@value #CLIENT_BUFFER}
 * changes and a sender thread of its own. A client that falls further behind loses its queue and
 * gets one {@code resync} event instead (fetch everything shown again). At most {@value
 * #MAX_CLIENTS} clients at once: a new one ends the oldest (the servlet container does not always
 * report a browser that went away, so a full set may hold dead clients). Thread-safe.
 */
public final class ChangeFeed implements Consumer<StoreChange>, AutoCloseable {

  /** Changes queued per client before it is told to resync. */
  public static final int CLIENT_BUFFER = 256;

  /** Clients served at once (each holds a thread while connected). */
  public static final int MAX_CLIENTS = 64;

  static final int KEEP_ALIVE_SECONDS = 15;

  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final Queue<Subscriber> oldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "scalewatch-sse-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  public void addRoutes(Javalin app) {
    app.sse(
        "/api/events",
        client -> {
          SseEventSink sink = new SseEventSink(client);
          client.onClose(sink::close);
          subscribe(sink);
        });
  }

  /** Starts sending to {@code sink} on a thread of its own until it closes. */
  void subscribe(EventSink sink) {
    while (subscribers.size() >= MAX_CLIENTS) {
      Subscriber oldest = oldestFirst.poll();
      if (oldest != null && subscribers.remove(oldest)) {
        oldest.stop();
      }
    }
    Subscriber subscriber = new Subscriber(sink, CLIENT_BUFFER);
    subscribers.add(subscriber);
    oldestFirst.add(subscriber);
    senders.execute(
        () -> {
          try {
            subscriber.run(KEEP_ALIVE_SECONDS);
          } finally {
            subscribers.remove(subscriber);
            oldestFirst.remove(subscriber);
          }
        });
  }

  /** Queues the change for every client; returns at once whatever the clients do. */
  @Override
  public void accept(StoreChange change) {
    if (subscribers.isEmpty()) {
      return;
    }
    String json;
    try {
      json = JSON.writeValueAsString(change);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    subscribers.forEach(s -> s.offer(json));
  }

  /** Clients connected now. */
  public int clients() {
    return subscribers.size();
  }

  @Override
  public void close() throws InterruptedException {
    subscribers.forEach(Subscriber::stop);
    senders.shutdownNow();
    if (!senders.awaitTermination(5, TimeUnit.SECONDS)) {
      log.warn("Some live clients' senders did not stop within 5 s");
    }
  }

  /** Adapts a Javalin SSE client; {@code keepAlive()} keeps its request open after the handler. */
  private static final class SseEventSink implements EventSink {
    private final SseClient client;
    private volatile boolean closed;

    SseEventSink(SseClient client) {
      this.client = client;
      client.keepAlive();
    }

    @Override
    public void send(String event, String data) {
      client.sendEvent(event, data);
    }

    @Override
    public void keepAlive() {
      client.sendComment("keep-alive");
    }

    @Override
    public boolean isClosed() {
      return closed || client.terminated();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        client.close();
      }
    }
  }
}
