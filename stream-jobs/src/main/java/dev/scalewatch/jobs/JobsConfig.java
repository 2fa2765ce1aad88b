package dev.scalewatch.jobs;

import dev.scalewatch.jobs.sweep.PointSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of the stream jobs, validated when built: a bad value fails here, naming the setting,
 * the value and the limit. Immutable; operators get only the plain values they need.
 *
 * @param bootstrapServers Kafka brokers
 * @param registryUrl schema registry
 * @param checkpointDirectory where checkpoints are kept (one folder per job); a restart resumes
 *     from the newest complete one
 * @param checkpointInterval how often the jobs checkpoint; fits and alerts become visible to
 *     read_committed readers at checkpoints, so this bounds their latency from below
 * @param sweepCoalesce a sweep key refits at most once per this window however fast evals arrive
 * @param sweepReselectEvery a full reselection of the number of breaks after this many warm refits
 * @param settleDelay after this quiet time a key whose last fit was warm gets a full reselection,
 *     so its final fit depends only on its final points
 * @param runFitInterval a run's learning curve refits at most once per this interval
 * @param stallGap a run that sends nothing for this long without finishing raises a stall
 * @param lossMetrics metrics the run monitor watches (regular expression on the metric name)
 * @param maxOutOfOrderness event-time bound for watermarks; an older point is late: still used, and
 *     counted
 * @param targets metric values to reach, by task or metric name: each sweep fit of that task or
 *     metric carries the x needed to reach it, with an interval
 * @param pointAt which eval of each run is its point in a sweep
 */
public record JobsConfig(
    String bootstrapServers,
    String registryUrl,
    Path checkpointDirectory,
    Duration checkpointInterval,
    Duration sweepCoalesce,
    int sweepReselectEvery,
    Duration settleDelay,
    Duration runFitInterval,
    Duration stallGap,
    String lossMetrics,
    Duration maxOutOfOrderness,
    Map<String, Double> targets,
    PointSelection pointAt) {

  /** Default checkpoint interval: 1 s (alerts wait for a checkpoint to become visible). */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  /** Default stall gap: 10 minutes without a point. */
  public static final Duration DEFAULT_STALL_GAP = Duration.ofMinutes(10);

  public JobsConfig {
    Objects.requireNonNull(bootstrapServers, "jobs.bootstrapServers");
    Objects.requireNonNull(registryUrl, "jobs.registryUrl");
    Objects.requireNonNull(checkpointDirectory, "jobs.checkpointDirectory");
    Objects.requireNonNull(pointAt, "jobs.pointAt");
    positive("checkpoint-interval", checkpointInterval);
    positive("jobs.sweepCoalesce", sweepCoalesce);
    positive("jobs.settleDelay", settleDelay);
    positive("jobs.runFitInterval", runFitInterval);
    positive("stall-gap", stallGap);
    positive("jobs.maxOutOfOrderness", maxOutOfOrderness);
    if (sweepReselectEvery < 1) {
      throw new IllegalArgumentException(
          "jobs.sweepReselectEvery must be >= 1: " + sweepReselectEvery);
    }
    Pattern.compile(lossMetrics);
    targets = Map.copyOf(targets);
    targets.forEach(
        (name, value) -> {
          if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                "targets: the target of " + name + " must be a finite number: " + value);
          }
        });
  }

  /** Defaults for a broker and registry, checkpoints under {@code checkpointDirectory}. */
  public static Builder builder(
      String bootstrapServers, String registryUrl, Path checkpointDirectory) {
    return new Builder(bootstrapServers, registryUrl, checkpointDirectory);
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }

  /** Builds a {@link JobsConfig}; every setting starts at its default. Not thread-safe. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String registryUrl;
    private final Path checkpointDirectory;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private Duration stallGap = DEFAULT_STALL_GAP;
    private Map<String, Double> targets = Map.of();
    private PointSelection pointAt = PointSelection.LATEST;

    private Builder(String bootstrapServers, String registryUrl, Path checkpointDirectory) {
      this.bootstrapServers = bootstrapServers;
      this.registryUrl = registryUrl;
      this.checkpointDirectory = checkpointDirectory;
    }

    public Builder checkpointInterval(Duration v) {
      checkpointInterval = v;
      return this;
    }

    public Builder stallGap(Duration v) {
      stallGap = v;
      return this;
    }

    public Builder targets(Map<String, Double> v) {
      targets = v;
      return this;
    }

    public Builder pointAt(PointSelection v) {
      pointAt = v;
      return this;
    }

    /** The settings; throws naming the first bad one. */
    public JobsConfig build() {
      return new JobsConfig(
          bootstrapServers,
          registryUrl,
          checkpointDirectory,
          checkpointInterval,
          Duration.ofSeconds(2),
          50,
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          stallGap,
          "(?i).*loss.*",
          Duration.ofSeconds(30),
          targets,
          pointAt);
    }
  }
}
