package dev.scalewatch.app.cli;

import dev.scalewatch.app.config.JobSettings;
import dev.scalewatch.jobs.sweep.PointSelection;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The stream jobs' settings, shared by {@code up} and {@code jobs submit}. */
public final class JobOptions {

  static final long DEFAULT_STALL_GAP_SECONDS = 600;
  static final long DEMO_STALL_GAP_SECONDS = 20;

  @Option(
      names = "--stall-gap",
      paramLabel = "SECONDS",
      description =
          "A run that sends nothing for this many seconds without finishing raises a stall alert"
              + " (default: "
              + DEFAULT_STALL_GAP_SECONDS
              + ", or "
              + DEMO_STALL_GAP_SECONDS
              + " with up --demo).")
  Long stallGapSeconds;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "MILLIS",
      defaultValue = "1000",
      description =
          "How often the stream jobs checkpoint; fits and alerts are published at checkpoints"
              + " (exactly once), so this bounds their latency from below (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMillis;

  @Option(
      names = "--sweep-targets",
      paramLabel = "NAME=VALUE[,...]",
      defaultValue = "",
      description =
          "Target values by task or metric, e.g. hellaswag=0.8,loss=2.1: every sweep fit of that"
              + " task or metric carries the x (parameters, tokens, compute) needed to reach it,"
              + " with an interval (default: none).")
  String sweepTargets;

  @Option(
      names = "--sweep-point",
      paramLabel = "latest|step:N|tokens:N",
      defaultValue = "latest",
      description =
          "Which eval of each run is its point in a sweep across runs: its latest, or the one at"
              + " step N or at N tokens, so runs are compared at the same point of training"
              + " (default: ${DEFAULT-VALUE}).")
  String sweepPoint;

  /** The settings these options describe; the demo's default stall gap is shorter. */
  JobSettings settings(boolean demo) {
    return new JobSettings(
        Duration.ofSeconds(
            stallGapSeconds != null
                ? stallGapSeconds
                : demo ? DEMO_STALL_GAP_SECONDS : DEFAULT_STALL_GAP_SECONDS),
        Duration.ofMillis(checkpointIntervalMillis),
        JobSettings.parseTargets(sweepTargets),
        PointSelection.parse(sweepPoint));
  }
}
