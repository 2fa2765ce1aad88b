package dev.scalewatch.sinks.route;

import dev.scalewatch.schemas.Alert;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to one receiver on a thread of its own, so a slow or dead receiver delays only
 * itself. Alerts wait in a bounded queue; {@link #offer} never blocks: when the queue is full the
 * oldest waiting alert is dropped. Each alert is posted until the receiver answers 2xx, with
 * exponential backoff between attempts (a timeout, a connection error, a 5xx, 408 or 429); any
 * other 4xx is final (the receiver refuses the payload and would refuse it again). One alert is in
 * flight at a time, so the receiver gets each alert id's states in order.
 *
 * <p>Counted in {@code scalewatch_alert_deliveries_total{receiver, outcome}}: {@code delivered},
 * {@code failed} (an attempt that will be retried), {@code rejected} (a final 4xx), {@code dropped}
 * (pushed out of a full queue); {@code scalewatch_alert_queue{receiver}} is the number waiting.
 * Thread-safe.
 */
final class ReceiverWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReceiverWorker.class);

  private final Receiver receiver;
  private final PayloadFormat format;
  private final Function<Alert, String> links;
  private final RoutingConfig config;
  private final HttpClient http;
  private final Deque<Alert> waiting = new ArrayDeque<>();
  private final Thread thread;
  private final Counter delivered;
  private final Counter failed;
  private final Counter rejected;
  private final Counter dropped;
  private volatile boolean running = true;
  private boolean busy;

  ReceiverWorker(
      Receiver receiver,
      RoutingConfig config,
      Function<Alert, String> links,
      MeterRegistry registry) {
    this.receiver = receiver;
    this.format = PayloadFormat.of(receiver.type(), config);
    this.links = links;
    this.config = config;
    this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    this.delivered = outcome(registry, "delivered");
    this.failed = outcome(registry, "failed");
    this.rejected = outcome(registry, "rejected");
    this.dropped = outcome(registry, "dropped");
    Gauge.builder("scalewatch_alert_queue", this, ReceiverWorker::waitingCount)
        .description("Alerts waiting for delivery to a receiver")
        .tag("receiver", receiver.name())
        .register(registry);
    this.thread = new Thread(this::run, "scalewatch-alerts-" + receiver.name());
    thread.setDaemon(true);
    thread.start();
  }

  private Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder("scalewatch_alert_deliveries")
        .description("Alert deliveries by receiver and outcome")
        .tag("receiver", receiver.name())
        .tag("type", receiver.type().configName())
        .tag("outcome", outcome)
        .register(registry);
  }

  Receiver receiver() {
    return receiver;
  }

  /** Queues the alert; drops the oldest waiting one if the queue is full. Never blocks. */
  void offer(Alert alert) {
    Alert pushedOut = null;
    synchronized (waiting) {
      if (waiting.size() >= config.queueCapacity()) {
        pushedOut = waiting.pollFirst();
      }
      waiting.addLast(alert);
      waiting.notifyAll();
    }
    if (pushedOut != null) {
      dropped.increment();
      log.warn(
          "Alert queue of receiver {} is full ({}): dropped the oldest, {} {}",
          receiver.name(),
          config.queueCapacity(),
          pushedOut.getId(),
          pushedOut.getState());
    }
  }

  /** Queues the alert unless the same id is already waiting (a re-send adds nothing then). */
  void offerUnlessWaiting(Alert alert) {
    synchronized (waiting) {
      for (Alert queued : waiting) {
        if (queued.getId().equals(alert.getId())) {
          return;
        }
      }
    }
    offer(alert);
  }

  int waitingCount() {
    synchronized (waiting) {
      return waiting.size();
    }
  }

  /** Whether nothing waits and nothing is in flight. */
  boolean idle() {
    synchronized (waiting) {
      return waiting.isEmpty() && !busy;
    }
  }

  private void run() {
    try {
      while (running) {
        Alert next;
        synchronized (waiting) {
          while (waiting.isEmpty()) {
            busy = false;
            waiting.notifyAll();
            waiting.wait();
          }
          next = waiting.pollFirst();
          busy = true;
        }
        deliver(next);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  private void deliver(Alert alert) throws InterruptedException {
    Duration backoff = config.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      String outcome = attempt(alert);
      if (outcome == null) {
        delivered.increment();
        return;
      }
      if (outcome.startsWith("final")) {
        rejected.increment();
        log.warn("Receiver {} refused alert {}: {}", receiver.name(), alert.getId(), outcome);
        return;
      }
      failed.increment();
      if (attempt == 1 || attempt % 10 == 0) {
        log.warn(
            "Delivery of alert {} to receiver {} ({}) failed on attempt {}: {}; retrying in {} ms",
            alert.getId(),
            receiver.name(),
            receiver.endpoint(),
            attempt,
            outcome,
            backoff.toMillis());
      }
      Thread.sleep(backoff.toMillis());
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(config.maxBackoff()) > 0) {
        backoff = config.maxBackoff();
      }
    }
  }

  /** Null if delivered; else why not, starting with "final" if retrying cannot help. */
  private String attempt(Alert alert) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(receiver.endpoint())
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    format.body(alert, links.apply(alert), Instant.now())))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return null;
      }
      String answer = "HTTP " + status + " " + abbreviate(response.body());
      boolean retriable = status >= 500 || status == 408 || status == 429;
      return retriable ? answer : "final " + answer;
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String abbreviate(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "…";
  }

  /**
   * Waits up to {@code drain} for the queue to empty, then stops; what still waits is lost (its
   * offsets are committed: see {@link AlertRoutingSink}).
   */
  void close(Duration drain) throws InterruptedException {
    long deadline = System.nanoTime() + drain.toNanos();
    synchronized (waiting) {
      while (!(waiting.isEmpty() && !busy) && System.nanoTime() < deadline) {
        waiting.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
      if (!waiting.isEmpty() || busy) {
        log.warn(
            "Receiver {} still had {} alerts waiting at shutdown; they are not delivered",
            receiver.name(),
            waiting.size() + (busy ? 1 : 0));
      }
    }
    running = false;
    thread.interrupt();
    thread.join(5000);
  }

  @Override
  public void close() throws InterruptedException {
    close(Duration.ZERO);
  }
}
