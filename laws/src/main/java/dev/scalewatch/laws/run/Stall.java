package dev.scalewatch.laws.run;

/**
 * Whether a run stopped reporting, with the evidence.
 *
 * @param stalled whether the gap since the last event exceeds the threshold
 * @param lastEventMillis event time of the last event
 * @param gapMillis time since the last event
 * @param typicalIntervalMillis median interval between events
 * @param thresholdMillis gap beyond which the run counts as stalled
 */
public record Stall(
    boolean stalled,
    long lastEventMillis,
    long gapMillis,
    long typicalIntervalMillis,
    long thresholdMillis) {}
