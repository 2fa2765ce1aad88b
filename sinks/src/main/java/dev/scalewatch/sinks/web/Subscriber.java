package dev.scalewatch.sinks.web;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live client: a bounded queue of changes filled by the store's thread ({@link #offer} never
 * blocks) and drained by a sender thread ({@link #run}). When the queue is full the client has
 * fallen behind: its queued changes are dropped and it gets a single {@code resync} event.
 * Thread-safe between one offering and one running thread.
 */
final class Subscriber {

  static final String HELLO = "{\"buffer\":%d}";

  /** Wakes the sender after an overflow; never sent as a change. */
  private static final String RESYNC = new String("resync");

  private final EventSink sink;
  private final BlockingQueue<String> queue;
  private final int capacity;
  private final AtomicBoolean resync = new AtomicBoolean();
  private volatile boolean stopped;

  Subscriber(EventSink sink, int capacity) {
    this.sink = sink;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
  }

  /** Queues one change (JSON); if the queue is full, replaces it by a resync. */
  void offer(String change) {
    if (queue.size() >= capacity || !queue.offer(change)) {
      resync.set(true);
      queue.clear();
      queue.offer(RESYNC);
    }
  }

  /** Sends until the client goes away or {@link #stop} is called. */
  void run(int keepAliveSeconds) {
    try {
      sink.send("hello", String.format(java.util.Locale.ROOT, HELLO, capacity));
      while (!stopped && !sink.isClosed()) {
        String next = queue.poll(keepAliveSeconds, TimeUnit.SECONDS);
        if (resync.getAndSet(false)) {
          queue.remove(RESYNC);
          sink.send("resync", "{}");
        } else if (next == null) {
          sink.keepAlive();
        } else if (next != RESYNC) {
          sink.send("change", next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The client went away mid-write: nothing to tell anyone.
    } finally {
      sink.close();
    }
  }

  /** Ends sending: the sender closes the sink once it wakes (at the latest, next keep-alive). */
  void stop() {
    stopped = true;
    queue.offer(RESYNC);
  }
}
