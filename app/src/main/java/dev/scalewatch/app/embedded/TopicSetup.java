package dev.scalewatch.app.embedded;

import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates ScaleWatch's topics that do not exist yet; existing topics are left as they are.
 *
 * <p>Every data topic gets the same partition count so that streams keyed by run id stay
 * co-partitioned (a run's points, evals and metadata land on the same partition number). Records
 * carry their event time as timestamp, so time-based retention would delete replayed history as
 * soon as a segment rolls: every topic but the raw one keeps its records for good (the runs topic
 * is compacted instead). Returns only once every new partition has a leader, because an idempotent
 * producer writing to a partition without one can lose its sends.
 */
final class TopicSetup {

  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

  private TopicSetup() {}

  /** Returns the names of the topics it created. */
  static List<String> ensureTopics(Admin admin, int partitions)
      throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec spec : Topics.DATA) {
      if (!existing.contains(spec.name())) {
        missing.add(new NewTopic(spec.name(), partitions, (short) 1).configs(configOf(spec)));
      }
    }
    if (missing.isEmpty()) {
      return List.of();
    }
    admin.createTopics(missing).all().get();
    List<String> names = missing.stream().map(NewTopic::name).toList();
    awaitLeaders(admin, names);
    return names;
  }

  private static Map<String, String> configOf(TopicSpec spec) {
    Map<String, String> config = new HashMap<>();
    if (spec.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    } else if (!spec.name().equals(Topics.RAW)) {
      config.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }
    return config;
  }

  private static void awaitLeaders(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
    while (true) {
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(topics).allTopicNames().get();
      boolean ready =
          descriptions.values().stream()
              .flatMap(d -> d.partitions().stream())
              .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "partitions of "
                + topics
                + " have no leader after "
                + LEADER_TIMEOUT.toSeconds()
                + " s; see the broker log above");
      }
      Thread.sleep(50);
    }
  }
}
