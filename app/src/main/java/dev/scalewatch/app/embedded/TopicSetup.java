package dev.scalewatch.app.embedded;

import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Creates ScaleWatch's topics that do not exist yet, and brings the settings the pipeline's
 * guarantees rest on to existing ones.
 *
 * <p>Every data topic gets the same partition count so that streams keyed by run id stay
 * co-partitioned (a run's points, evals and metadata land on the same partition number). Records
 * carry their event time as timestamp, so time-based retention would delete replayed history as
 * soon as a segment rolls: every topic but the raw one keeps its records for good (the runs topic
 * is compacted instead). The raw topic keeps the broker's retention (7 days) but counts it from
 * arrival ({@code message.timestamp.type=LogAppendTime}): a backfill of month-old points is kept
 * for 7 days after it was acknowledged, not deleted before the normalizer reads it. A raw topic
 * created before (with the producer's event time as timestamp) is switched to arrival time at
 * start; records written before the switch keep their old timestamps. Returns only once every new
 * partition has a leader, because an idempotent producer writing to a partition without one can
 * lose its sends.
 */
public final class TopicSetup {

  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

  private TopicSetup() {}

  /**
   * Topic settings that must hold on existing topics too (applied by {@link
   * #ensureRequiredConfigs}): retention of the raw topic counts from arrival.
   */
  static final Map<String, Map<String, String>> REQUIRED =
      Map.of(
          Topics.RAW,
          Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name));

  /**
   * Creates the missing topics with {@code partitions} partitions and the broker's default
   * replication factor; returns the names of the topics it created.
   */
  public static List<String> ensureTopics(Admin admin, int partitions)
      throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    List<NewTopic> missing = new ArrayList<>();
    for (TopicSpec spec : Topics.DATA) {
      if (!existing.contains(spec.name())) {
        missing.add(
            new NewTopic(spec.name(), Optional.of(partitions), Optional.empty())
                .configs(configOf(spec)));
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
    Map<String, String> config = new HashMap<>(REQUIRED.getOrDefault(spec.name(), Map.of()));
    if (spec.compacted()) {
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    } else if (!spec.name().equals(Topics.RAW)) {
      config.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
    }
    return config;
  }

  /**
   * Sets {@link #REQUIRED} settings on existing topics where they differ (a data directory from an
   * older version); returns one line per change, e.g. {@code scalewatch.raw: message.timestamp.type
   * CreateTime -> LogAppendTime}.
   */
  public static List<String> ensureRequiredConfigs(Admin admin)
      throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    List<ConfigResource> resources =
        REQUIRED.keySet().stream()
            .filter(existing::contains)
            .sorted()
            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
            .toList();
    if (resources.isEmpty()) {
      return List.of();
    }
    Map<ConfigResource, Config> current = admin.describeConfigs(resources).all().get();
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    for (ConfigResource resource : resources) {
      Config config = current.get(resource);
      for (Map.Entry<String, String> wanted : REQUIRED.get(resource.name()).entrySet()) {
        ConfigEntry entry = config.get(wanted.getKey());
        String value = entry == null ? null : entry.value();
        if (!wanted.getValue().equals(value)) {
          changes
              .computeIfAbsent(resource, r -> new ArrayList<>())
              .add(
                  new AlterConfigOp(
                      new ConfigEntry(wanted.getKey(), wanted.getValue()),
                      AlterConfigOp.OpType.SET));
          changed.add(
              resource.name() + ": " + wanted.getKey() + " " + value + " -> " + wanted.getValue());
        }
      }
    }
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get();
      awaitConfigs(admin, resources);
    }
    return changed;
  }

  /**
   * Waits until the broker describes the required settings: an altered config reaches the broker
   * through the KRaft metadata log a moment after the admin call returns, and producing before then
   * would still use the old one.
   */
  private static void awaitConfigs(Admin admin, List<ConfigResource> resources)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
    while (true) {
      Map<ConfigResource, Config> now = admin.describeConfigs(resources).all().get();
      boolean applied =
          resources.stream()
              .allMatch(
                  r ->
                      REQUIRED.get(r.name()).entrySet().stream()
                          .allMatch(
                              w -> {
                                ConfigEntry e = now.get(r).get(w.getKey());
                                return e != null && w.getValue().equals(e.value());
                              }));
      if (applied) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topic settings " + REQUIRED + " not applied within " + LEADER_TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  private static void awaitLeaders(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
    while (true) {
      boolean ready;
      try {
        ready =
            admin.describeTopics(topics).allTopicNames().get().values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        ready = false; // created, but the broker has not seen the new metadata yet
      }
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
