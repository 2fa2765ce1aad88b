package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One eval task of a project: how many runs reported it, and how many results it holds. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TaskSummary(String project, String task, long runCount, long resultCount) {}
