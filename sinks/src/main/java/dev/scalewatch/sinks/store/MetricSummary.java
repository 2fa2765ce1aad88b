package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One series of a run: its metric and split, how many points it holds, and its step range. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MetricSummary(
    String metric, String split, long pointCount, long firstStep, long lastStep) {}
