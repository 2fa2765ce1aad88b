package dev.scalewatch.app.replay;

/** What a replayed row becomes: a downstream eval result or a metric point. */
public enum ReplayFormat {
  EVALS,
  METRICS
}
