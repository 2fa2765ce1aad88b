package dev.scalewatch.app.ingest;

import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Topic helpers for tests and load generators that run their own broker: create ScaleWatch's topics
 * and wait until every partition has a leader that answers (producing into a partition whose leader
 * is not open yet sends an idempotent producer into OUT_OF_ORDER_SEQUENCE retries that end with
 * lost sends), and a send callback that remembers the first failure.
 */
public final class TestTopics {

  private TestTopics() {}

  /**
   * Creates every data topic with the given partitions (runs compacted) and waits for its leaders.
   */
  public static void createAndAwaitLeaders(Admin admin, int partitions) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    List<TopicPartition> all = new ArrayList<>();
    for (TopicSpec spec : Topics.DATA) {
      NewTopic topic = new NewTopic(spec.name(), partitions, (short) 1);
      if (spec.compacted()) {
        topic.configs(
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      topics.add(topic);
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(spec.name(), p));
      }
    }
    admin.createTopics(topics).all().get();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        admin
            .listOffsets(
                all.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
            .all()
            .get();
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "topic leaders not ready within 30 s: " + e.getCause(), e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** A send callback that keeps the first failure; call {@link #check()} after {@code flush()}. */
  public static final class FirstFailure implements Callback {
    private final AtomicReference<Exception> first = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        first.compareAndSet(null, exception);
      }
    }

    /** Throws if any send failed. */
    public void check() {
      Exception e = first.get();
      if (e != null) {
        throw new IllegalStateException("a test record could not be produced: " + e, e);
      }
    }
  }
}
