package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One row of the runs list: the run's latest metadata (null fields when only its points arrived so
 * far, with status UNKNOWN), its progress and its latest loss. Times are epoch milliseconds; {@code
 * updatedAt} is the later of the run record's time and its newest point's event time.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(
    String project,
    String runId,
    String name,
    String modelFamily,
    Long parameters,
    String status,
    Long startedAt,
    Long endedAt,
    Long updatedAt,
    Long lastStep,
    LastLoss lastLoss,
    JsonNode tags) {

  /**
   * The point of the run's highest step among metrics named like a loss (containing "loss", as the
   * run monitor's default).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record LastLoss(String metric, String split, long step, double value) {}
}
