package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's queries for the API. Fits and alerts come back as their contract records in JSON (the
 * field names of {@code Fit.avsc} and {@code Alert.avsc}; NaN and infinities as the strings {@code
 * "NaN"}, {@code "Infinity"}, {@code "-Infinity"}). Thread-safe: each call opens and closes its own
 * connection.
 */
public final class StoreReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String RUNS =
      """
      WITH run_keys AS (
        SELECT project, run_id FROM runs UNION SELECT project, run_id FROM run_progress
      )
      SELECT k.project, k.run_id, r.name, r.model_family,
             COALESCE(r.non_embedding_parameters, r.parameters), COALESCE(r.status, 'UNKNOWN'),
             r.started_at_ms, r.ended_at_ms, r.updated_at_ms, p.last_event_ms,
             p.last_step, p.loss_metric, p.loss_split, p.loss_step, p.loss_value, r.tags
      FROM run_keys k
      LEFT JOIN runs r ON r.project = k.project AND r.run_id = k.run_id
      LEFT JOIN run_progress p ON p.project = k.project AND p.run_id = k.run_id
      WHERE (CAST(? AS VARCHAR) IS NULL OR k.project = ?)
      ORDER BY k.project, k.run_id""";

  private static final String LATEST_FITS =
      """
      SELECT body FROM (
        SELECT body, project, fit_key, task, run_id,
               ROW_NUMBER() OVER (PARTITION BY project, fit_key ORDER BY sequence DESC) AS rn
        FROM fits
        WHERE (CAST(? AS VARCHAR) IS NULL OR project = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR task = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR run_id = ?)
      ) latest
      WHERE rn = 1
      ORDER BY project, fit_key""";

  private static final String FIT_HISTORY =
      "SELECT body FROM fits WHERE project = ? AND fit_key = ? ORDER BY sequence";

  private static final String ALERTS =
      """
      SELECT body FROM (
        SELECT body, state, starts_at_ms, alert_id,
               ROW_NUMBER() OVER (
                 PARTITION BY alert_id
                 ORDER BY starts_at_ms DESC, CASE state WHEN 'RESOLVED' THEN 1 ELSE 0 END DESC
               ) AS rn
        FROM alerts
        WHERE (CAST(? AS VARCHAR) IS NULL OR project = ?)
      ) current_state
      WHERE rn = 1 AND (CAST(? AS VARCHAR) IS NULL OR state = ?)
      ORDER BY starts_at_ms DESC, alert_id""";

  private static final String TASKS =
      """
      SELECT project, task, COUNT(DISTINCT run_id), COUNT(*)
      FROM eval_results
      WHERE (CAST(? AS VARCHAR) IS NULL OR project = ?)
      GROUP BY project, task
      ORDER BY project, task""";

  private static final String SWEEP_POINTS =
      """
      SELECT e.run_id, r.model_family, e.metric, e.shots, e.step, e.value, e.stderr,
             COALESCE(e.parameters, r.parameters), e.tokens_seen, e.flops, e.event_time_ms
      FROM (
        SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY run_id, metric, shots ORDER BY step DESC, event_time_ms DESC
                  ) AS rn
        FROM eval_results
        WHERE project = ? AND task = ?
      ) e
      LEFT JOIN runs r ON r.project = e.project AND r.run_id = e.run_id
      WHERE e.rn = 1
      ORDER BY e.metric, e.shots, e.run_id""";

  private static final String METRICS =
      """
      SELECT metric, split, COUNT(*), MIN(step), MAX(step)
      FROM metric_points
      WHERE project = ? AND run_id = ?
      GROUP BY metric, split
      ORDER BY metric, split""";

  private final Store.Connections connections;

  StoreReader(Store.Connections connections) {
    this.connections = connections;
  }

  /** Every run known by a run record or by its points, of one project or (null) all. */
  public List<RunSummary> runs(String project) throws SQLException {
    List<RunSummary> runs = new ArrayList<>();
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(RUNS)) {
      statement.setString(1, project);
      statement.setString(2, project);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Long updated = nullableLong(rows, 9);
          Long lastEvent = nullableLong(rows, 10);
          String lossMetric = rows.getString(12);
          runs.add(
              new RunSummary(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  nullableLong(rows, 5),
                  rows.getString(6),
                  nullableLong(rows, 7),
                  nullableLong(rows, 8),
                  updated == null
                      ? lastEvent
                      : lastEvent == null ? updated : Math.max(updated, lastEvent),
                  nullableLong(rows, 11),
                  lossMetric == null
                      ? null
                      : new RunSummary.LastLoss(
                          lossMetric, rows.getString(13), rows.getLong(14), rows.getDouble(15)),
                  parse(rows.getString(16) == null ? "{}" : rows.getString(16))));
        }
      }
    }
    return runs;
  }

  /** Every eval task with results, of one project or (null) all. */
  public List<TaskSummary> tasks(String project) throws SQLException {
    List<TaskSummary> tasks = new ArrayList<>();
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(TASKS)) {
      statement.setString(1, project);
      statement.setString(2, project);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tasks.add(
              new TaskSummary(
                  rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4)));
        }
      }
    }
    return tasks;
  }

  /** Each run's latest result of one task, per metric and shot count (see {@link EvalPoint}). */
  public List<EvalPoint> sweepPoints(String project, String task) throws SQLException {
    List<EvalPoint> points = new ArrayList<>();
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(SWEEP_POINTS)) {
      statement.setString(1, project);
      statement.setString(2, task);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          points.add(
              new EvalPoint(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getInt(4),
                  rows.getLong(5),
                  rows.getDouble(6),
                  nullableDouble(rows, 7),
                  nullableLong(rows, 8),
                  nullableLong(rows, 9),
                  nullableDouble(rows, 10),
                  rows.getLong(11)));
        }
      }
    }
    return points;
  }

  /** The series of one run: metric, split, point count and step range of each. */
  public List<MetricSummary> metrics(String project, String runId) throws SQLException {
    List<MetricSummary> metrics = new ArrayList<>();
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(METRICS)) {
      statement.setString(1, project);
      statement.setString(2, runId);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          metrics.add(
              new MetricSummary(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getLong(3),
                  rows.getLong(4),
                  rows.getLong(5)));
        }
      }
    }
    return metrics;
  }

  /** One series, downsampled as the request asks (see {@link SeriesQuery}). */
  public Series series(SeriesRequest request) throws SQLException {
    try (Connection connection = connections.open()) {
      return SeriesQuery.run(connection, request);
    }
  }

  /** The latest fit of every fit key, filtered by project, task and run when not null. */
  public List<JsonNode> latestFits(String project, String task, String runId) throws SQLException {
    return bodies(LATEST_FITS, project, project, task, task, runId, runId);
  }

  /** Every fit of one key, oldest sequence first. */
  public List<JsonNode> fitHistory(String project, String fitKey) throws SQLException {
    return bodies(FIT_HISTORY, project, fitKey);
  }

  /**
   * Each alert in its current state (its newest record: by start time, RESOLVED after FIRING),
   * newest first, filtered by state and (when not null) project.
   */
  public List<JsonNode> alerts(AlertStateFilter state, String project) throws SQLException {
    String stateName = state == AlertStateFilter.ALL ? null : state.name();
    return bodies(ALERTS, project, project, stateName, stateName);
  }

  private List<JsonNode> bodies(String sql, String... parameters) throws SQLException {
    List<JsonNode> bodies = new ArrayList<>();
    try (Connection connection = connections.open();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          bodies.add(parse(rows.getString(1)));
        }
      }
    }
    return bodies;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
    double value = rows.getDouble(column);
    return rows.wasNull() ? null : value;
  }

  private static Long nullableLong(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : value;
  }
}
