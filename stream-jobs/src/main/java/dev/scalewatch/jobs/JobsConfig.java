package dev.scalewatch.jobs;

import java.nio.file.Path;
import java.time.Duration;
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
    Duration maxOutOfOrderness) {

  /** Default checkpoint interval: 1 s (alerts wait for a checkpoint to become visible). */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

  /** Default stall gap: 10 minutes without a point. */
  public static final Duration DEFAULT_STALL_GAP = Duration.ofMinutes(10);

  public JobsConfig {
    Objects.requireNonNull(bootstrapServers, "jobs.bootstrapServers");
    Objects.requireNonNull(registryUrl, "jobs.registryUrl");
    Objects.requireNonNull(checkpointDirectory, "jobs.checkpointDirectory");
    positive("jobs.checkpointInterval", checkpointInterval);
    positive("jobs.sweepCoalesce", sweepCoalesce);
    positive("jobs.settleDelay", settleDelay);
    positive("jobs.runFitInterval", runFitInterval);
    positive("jobs.stallGap", stallGap);
    positive("jobs.maxOutOfOrderness", maxOutOfOrderness);
    if (sweepReselectEvery < 1) {
      throw new IllegalArgumentException(
          "jobs.sweepReselectEvery must be >= 1: " + sweepReselectEvery);
    }
    Pattern.compile(lossMetrics);
  }

  /** Defaults for a broker and registry: checkpoints every 1 s under {@code checkpoints}. */
  public static JobsConfig defaults(
      String bootstrapServers, String registryUrl, Path checkpointDirectory) {
    return new JobsConfig(
        bootstrapServers,
        registryUrl,
        checkpointDirectory,
        DEFAULT_CHECKPOINT_INTERVAL,
        Duration.ofMillis(500),
        10,
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        DEFAULT_STALL_GAP,
        "(?i).*loss.*",
        Duration.ofSeconds(30));
  }

  /** A copy with another stall gap. */
  public JobsConfig withStallGap(Duration gap) {
    return new JobsConfig(
        bootstrapServers,
        registryUrl,
        checkpointDirectory,
        checkpointInterval,
        sweepCoalesce,
        sweepReselectEvery,
        settleDelay,
        runFitInterval,
        gap,
        lossMetrics,
        maxOutOfOrderness);
  }

  /** A copy with another checkpoint interval. */
  public JobsConfig withCheckpointInterval(Duration interval) {
    return new JobsConfig(
        bootstrapServers,
        registryUrl,
        checkpointDirectory,
        interval,
        sweepCoalesce,
        sweepReselectEvery,
        settleDelay,
        runFitInterval,
        stallGap,
        lossMetrics,
        maxOutOfOrderness);
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }
}
