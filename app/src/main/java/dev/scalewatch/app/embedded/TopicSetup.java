package dev.scalewatch.app.embedded;

import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates ScaleWatch's topics that do not exist yet; existing topics are left as they are.
 *
 * <p>Every data topic gets the same partition count so that streams keyed by run id stay
 * co-partitioned (a run's points, evals and metadata land on the same partition number).
 */
final class TopicSetup {

  private TopicSetup() {}

  /** Returns the names of the topics it created. */
  static List<String> ensureTopics(Admin admin, int partitions) throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec spec : Topics.DATA) {
      if (existing.contains(spec.name())) {
        continue;
      }
      NewTopic topic = new NewTopic(spec.name(), partitions, (short) 1);
      if (spec.compacted()) {
        topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      }
      missing.add(topic);
    }
    if (!missing.isEmpty()) {
      admin.createTopics(missing).all().get();
    }
    return missing.stream().map(NewTopic::name).toList();
  }
}
