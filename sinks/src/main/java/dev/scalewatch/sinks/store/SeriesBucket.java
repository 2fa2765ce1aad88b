package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One bucket of a downsampled series: the steps {@code [startStep, endStep]} (inclusive) and what
 * the points in it hold. {@code min} and {@code max} are over the finite values (null when the
 * bucket has none); NaN and infinities are counted, never dropped. {@code first*} and {@code last*}
 * are the points of the smallest and largest step in the bucket, whatever their value.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SeriesBucket(
    long startStep,
    long endStep,
    long count,
    Double min,
    Double max,
    long firstStep,
    double firstValue,
    long lastStep,
    double lastValue,
    long nanCount,
    long positiveInfinityCount,
    long negativeInfinityCount) {}
