package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A run's latest eval result (highest step, then newest) of one task, metric and shot count: its
 * point in a sweep. {@code parameters} is the result's own count, else the run record's; {@code
 * modelFamily} the run record's (null if none). Times are epoch milliseconds.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalPoint(
    String runId,
    String modelFamily,
    String metric,
    int shots,
    long step,
    double value,
    Double stderr,
    Long parameters,
    Long tokensSeen,
    Double flops,
    long eventTime) {}
