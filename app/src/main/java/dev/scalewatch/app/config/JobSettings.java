package dev.scalewatch.app.config;

import dev.scalewatch.jobs.JobsConfig;
import dev.scalewatch.jobs.sweep.PointSelection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user sets of the stream jobs in {@code up}; validated at construction, naming the setting.
 *
 * @param stallGap how long a run may send nothing before the run monitor raises a stall
 * @param checkpointInterval how often the stream jobs checkpoint (fits and alerts become visible at
 *     checkpoints)
 * @param targets metric values to reach, by task or metric name (each sweep fit of it carries the x
 *     needed, with an interval)
 * @param pointAt which eval of each run is its point in a sweep
 */
public record JobSettings(
    Duration stallGap,
    Duration checkpointInterval,
    Map<String, Double> targets,
    PointSelection pointAt) {

  /** The defaults: stall after 10 minutes, checkpoints every second, no targets, latest evals. */
  public static final JobSettings DEFAULTS =
      new JobSettings(
          JobsConfig.DEFAULT_STALL_GAP,
          JobsConfig.DEFAULT_CHECKPOINT_INTERVAL,
          Map.of(),
          PointSelection.LATEST);

  public JobSettings {
    requirePositive("stall-gap", stallGap);
    requirePositive("checkpoint-interval", checkpointInterval);
    targets = Map.copyOf(targets);
    if (pointAt == null) {
      throw new IllegalArgumentException("sweep-point must be set (latest, step:N or tokens:N)");
    }
  }

  /** Sets these settings on {@code builder} and returns it. */
  public JobsConfig.Builder applyTo(JobsConfig.Builder builder) {
    return builder
        .stallGap(stallGap)
        .checkpointInterval(checkpointInterval)
        .targets(targets)
        .pointAt(pointAt);
  }

  /** A copy with another stall gap. */
  public JobSettings withStallGap(Duration gap) {
    return new JobSettings(gap, checkpointInterval, targets, pointAt);
  }

  /**
   * Parses {@code NAME=VALUE,...} (task or metric name, target value), e.g. {@code
   * hellaswag=0.8,loss=2.1}; empty gives none.
   *
   * @throws IllegalArgumentException naming the entry that is not NAME=NUMBER
   */
  public static Map<String, Double> parseTargets(String text) {
    Map<String, Double> targets = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return targets;
    }
    for (String entry : text.split(",")) {
      int eq = entry.lastIndexOf('=');
      try {
        if (eq <= 0) {
          throw new NumberFormatException();
        }
        double value = Double.parseDouble(entry.substring(eq + 1).trim());
        if (!Double.isFinite(value)) {
          throw new NumberFormatException();
        }
        targets.put(entry.substring(0, eq).trim(), value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "sweep-targets entries are NAME=NUMBER (a task or metric and its target): '"
                + entry
                + "'");
      }
    }
    return targets;
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0: " + value + " (e.g. 600 s)");
    }
  }
}
