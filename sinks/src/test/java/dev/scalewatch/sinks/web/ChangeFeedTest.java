package dev.scalewatch.sinks.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.sinks.store.StoreChange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChangeFeedTest {

  @Test
  void shouldSendEachChangeToEveryClientAfterHello() throws Exception {
    try (ChangeFeed feed = new ChangeFeed()) {
      RecordingSink first = new RecordingSink(null);
      RecordingSink second = new RecordingSink(null);
      feed.subscribe(first);
      feed.subscribe(second);
      first.awaitEvents(1);
      second.awaitEvents(1);

      feed.accept(change("r1", 7));
      feed.accept(change("r2", 9));

      for (RecordingSink sink : List.of(first, second)) {
        sink.awaitEvents(3);
        assertThat(sink.events).element(0).asString().startsWith("hello ");
        assertThat(sink.events.get(1)).contains("\"run_id\":\"r1\"").contains("\"last_step\":7");
        assertThat(sink.events.get(2)).startsWith("change ").contains("\"run_id\":\"r2\"");
      }
    }
  }

  @Test
  void shouldNeverBlockTheStoreOnASlowClientAndTellItToResync() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ChangeFeed feed = new ChangeFeed()) {
      RecordingSink slow = new RecordingSink(release);
      RecordingSink fast = new RecordingSink(null);
      feed.subscribe(slow);
      feed.subscribe(fast);
      slow.awaitEvents(1);
      fast.awaitEvents(1);

      // The slow client's sender is stuck in its first send: every change must still be taken
      // at once (this thread would hang here otherwise), and its queue stays bounded.
      int changes = 3 * ChangeFeed.CLIENT_BUFFER;
      for (int i = 0; i < changes; i++) {
        feed.accept(change("r", i));
      }
      fast.awaitEvents(1 + changes);
      release.countDown();

      slow.awaitEvent(e -> e.startsWith("resync "));
      assertThat(slow.events.size()).isLessThanOrEqualTo(2 + ChangeFeed.CLIENT_BUFFER + 1);
      assertThat(fast.events).noneMatch(e -> e.startsWith("resync "));
    }
  }

  @Test
  void shouldDropAClientThatWentAway() throws Exception {
    try (ChangeFeed feed = new ChangeFeed()) {
      RecordingSink gone = new RecordingSink(null);
      feed.subscribe(gone);
      gone.awaitEvents(1);
      gone.closed = true;
      feed.accept(change("r", 1));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (feed.clients() > 0 && System.nanoTime() < deadline) {
        feed.accept(change("r", 2));
        Thread.sleep(10);
      }
      assertThat(feed.clients()).isZero();
    }
  }

  @Test
  void shouldEndTheOldestClientWhenFull() throws Exception {
    try (ChangeFeed feed = new ChangeFeed()) {
      List<RecordingSink> sinks = new java.util.ArrayList<>();
      for (int i = 0; i <= ChangeFeed.MAX_CLIENTS; i++) {
        RecordingSink sink = new RecordingSink(null);
        feed.subscribe(sink);
        sinks.add(sink);
        sink.awaitEvents(1);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!sinks.get(0).closed && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(sinks.get(0).closed).isTrue();
      assertThat(sinks.subList(1, sinks.size())).noneMatch(s -> s.closed);
      assertThat(feed.clients()).isEqualTo(ChangeFeed.MAX_CLIENTS);
    }
  }

  private static StoreChange change(String run, long step) {
    return new StoreChange(
        List.of(),
        List.of(new StoreChange.SeriesTail("p", run, "loss", "train", step)),
        List.of(),
        List.of(),
        List.of());
  }

  /** Records "event data" lines; the first send blocks until {@code release} if given. */
  private static final class RecordingSink implements EventSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    volatile boolean closed;

    RecordingSink(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void send(String event, String data) {
      events.add(event + " " + data);
      if (release != null && events.size() == 2) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void keepAlive() {}

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public void close() {
      closed = true;
    }

    void awaitEvents(int count) throws InterruptedException {
      awaitEvent(e -> events.size() >= count);
    }

    void awaitEvent(java.util.function.Predicate<String> seen) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (events.stream().noneMatch(seen) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(events).anyMatch(seen);
    }
  }
}
