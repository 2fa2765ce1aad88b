package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A series of one metric of one run over {@code [fromStep, toStep]}, downsampled into buckets of
 * {@code bucketSteps} steps each (1: every point is its own bucket). Empty buckets are left out.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Series(
    String project,
    String runId,
    String metric,
    String split,
    long fromStep,
    long toStep,
    long bucketSteps,
    long pointCount,
    List<SeriesBucket> buckets) {}
