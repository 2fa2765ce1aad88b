package dev.scalewatch.app.demo;

import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the {@link DemoFeed} through the normal ingest path: a {@link RawEventProducer} to {@code
 * scalewatch.raw}, so the normalizer and both stream jobs see the events exactly like real data.
 * Each event is sent at its offset after the start, on one daemon thread; {@link #close()} stops
 * the thread (whatever is still unsent is dropped) and closes the producer.
 *
 * <p>A failed send is logged (the first one with its cause) and counted; the feed goes on. Start
 * and close from one thread; {@link #sent()} and {@link #failed()} may be read from any.
 */
public final class DemoPlayer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DemoPlayer.class);

  private final SchemaRegistryClient registry;
  private final RawEventProducer producer;
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean finished;

  private DemoPlayer(
      String bootstrapServers, String registryUrl, Duration pointInterval, String project) {
    this.registry = SchemaRegistryClients.forUrl(registryUrl);
    this.producer = new RawEventProducer(bootstrapServers, registry, Map.of());
    this.thread = new Thread(() -> play(pointInterval, project), "scalewatch-demo");
    thread.setDaemon(true);
  }

  /**
   * Starts playing the demo now against a running stack.
   *
   * @param pointInterval time between two points of a live run ({@link
   *     DemoFeed#DEFAULT_POINT_INTERVAL} for people, shorter in tests)
   */
  public static DemoPlayer start(
      String bootstrapServers, String registryUrl, Duration pointInterval) {
    return start(bootstrapServers, registryUrl, pointInterval, DemoFeed.PROJECT);
  }

  /** As {@link #start(String, String, Duration)}, playing the demo in {@code project}. */
  public static DemoPlayer start(
      String bootstrapServers, String registryUrl, Duration pointInterval, String project) {
    DemoPlayer player = new DemoPlayer(bootstrapServers, registryUrl, pointInterval, project);
    player.thread.start();
    return player;
  }

  private void play(Duration pointInterval, String project) {
    long started = System.nanoTime();
    List<DemoFeed.Timed> events = DemoFeed.events(Instant.now(), pointInterval, project);
    try {
      for (DemoFeed.Timed timed : events) {
        long wait = started + timed.offset().toNanos() - System.nanoTime();
        while (wait > 0) {
          LockSupport.parkNanos(wait);
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          wait = started + timed.offset().toNanos() - System.nanoTime();
        }
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        producer.send(
            timed.event(),
            (metadata, e) -> {
              if (e == null) {
                sent.incrementAndGet();
              } else if (failed.getAndIncrement() == 0) {
                log.warn("Demo event not delivered to the broker; the demo goes on", e);
              }
            });
      }
      producer.flush();
      finished = true;
      log.info(
          "Demo feed done: {} events sent, {} failed (a stall alert for '{}' still follows)",
          sent.get(),
          failed.get(),
          DemoFeed.STALLS);
    } catch (RuntimeException e) {
      if (!Thread.currentThread().isInterrupted()) {
        log.warn("Demo feed stopped after {} events", sent.get(), e);
      }
    }
  }

  /** Events the broker acknowledged so far. */
  public long sent() {
    return sent.get();
  }

  /** Events the broker refused or did not acknowledge. */
  public long failed() {
    return failed.get();
  }

  /** Whether every event was handed to the broker and flushed. */
  public boolean finished() {
    return finished;
  }

  /** Waits up to {@code timeout} for the feed to end by itself; true if it did. */
  public boolean await(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  /** Stops the feed (unsent events are dropped) and closes the producer; idempotent. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
    registry.close();
  }
}
