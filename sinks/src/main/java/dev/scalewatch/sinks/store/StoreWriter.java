package dev.scalewatch.sinks.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.json.AvroJson;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes batches to the store, each in one transaction together with the Kafka offsets it reaches,
 * so the rows and the read position commit or roll back together. Every write is an upsert on the
 * natural key: writing a record again (a replayed topic, a restart before the commit) leaves one
 * row, holding the last value written.
 *
 * <p>Not thread-safe: one writer per connection, used from one thread.
 */
public final class StoreWriter implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Upsert<Run> RUNS =
      new Upsert<>(
          "runs",
          List.of(
              "project",
              "run_id",
              "name",
              "model_family",
              "parameters",
              "non_embedding_parameters",
              "planned_tokens",
              "dataset",
              "hyperparameters",
              "tags",
              "status",
              "started_at_ms",
              "ended_at_ms",
              "updated_at_ms"),
          List.of("project", "run_id"),
          r ->
              new Object[] {
                r.getProject(),
                r.getRunId(),
                r.getName(),
                r.getModelFamily(),
                r.getParameters(),
                r.getNonEmbeddingParameters(),
                r.getPlannedTokens(),
                r.getDataset(),
                json(r.getHyperparameters()),
                json(r.getTags()),
                r.getStatus().name(),
                millis(r.getStartedAt()),
                millis(r.getEndedAt()),
                millis(r.getUpdatedAt())
              });

  private static final Upsert<MetricPoint> POINTS =
      new Upsert<>(
          "metric_points",
          List.of(
              "project",
              "run_id",
              "metric",
              "split",
              "step",
              "value",
              "value_kind",
              "tokens_seen",
              "flops",
              "parameters",
              "event_time_ms"),
          List.of("project", "run_id", "metric", "split", "step"),
          p ->
              new Object[] {
                p.getProject(),
                p.getRunId(),
                p.getMetric(),
                p.getSplit(),
                p.getStep(),
                p.getValue(),
                (short) ValueKind.of(p.getValue()).code,
                p.getTokensSeen(),
                p.getFlops(),
                p.getParameters(),
                millis(p.getEventTime())
              });

  private static final Upsert<EvalResult> EVALS =
      new Upsert<>(
          "eval_results",
          List.of(
              "project",
              "run_id",
              "task",
              "metric",
              "shots",
              "step",
              "value",
              "value_kind",
              "stderr",
              "sample_count",
              "tokens_seen",
              "flops",
              "parameters",
              "event_time_ms"),
          List.of("project", "run_id", "task", "metric", "shots", "step"),
          e ->
              new Object[] {
                e.getProject(),
                e.getRunId(),
                e.getTask(),
                e.getMetric(),
                Batch.shotsKey(e),
                e.getStep(),
                e.getValue(),
                (short) ValueKind.of(e.getValue()).code,
                e.getStderr(),
                e.getSampleCount(),
                e.getTokensSeen(),
                e.getFlops(),
                e.getParameters(),
                millis(e.getEventTime())
              });

  private static final Upsert<Fit> FITS =
      new Upsert<>(
          "fits",
          List.of(
              "project",
              "fit_key",
              "sequence",
              "scope",
              "run_id",
              "task",
              "metric",
              "x_axis",
              "form",
              "event_time_ms",
              "body"),
          List.of("project", "fit_key", "sequence"),
          f ->
              new Object[] {
                f.getProject(),
                f.getKey(),
                f.getSequence(),
                f.getScope().name(),
                f.getRunId(),
                f.getTask(),
                f.getMetric(),
                f.getXAxis(),
                f.getForm(),
                millis(f.getEventTime()),
                AvroJson.toJson(f).toString()
              });

  private static final Upsert<Alert> ALERTS =
      new Upsert<>(
          "alerts",
          List.of(
              "alert_id",
              "state",
              "kind",
              "severity",
              "project",
              "run_id",
              "task",
              "metric",
              "summary",
              "starts_at_ms",
              "ends_at_ms",
              "body"),
          List.of("alert_id", "state"),
          a ->
              new Object[] {
                a.getId(),
                a.getState().name(),
                a.getKind().name(),
                a.getSeverity().name(),
                a.getProject(),
                a.getRunId(),
                a.getTask(),
                a.getMetric(),
                a.getSummary(),
                millis(a.getStartsAt()),
                millis(a.getEndsAt()),
                AvroJson.toJson(a).toString()
              });

  private static final String NEWER_LOSS =
      "excluded.loss_step IS NOT NULL AND (run_progress.loss_step IS NULL"
          + " OR excluded.loss_step >= run_progress.loss_step)";

  private static final Upsert<RunProgress> PROGRESS =
      new Upsert<>(
          "run_progress",
          List.of(
              "project",
              "run_id",
              "last_step",
              "last_event_ms",
              "loss_metric",
              "loss_split",
              "loss_step",
              "loss_value"),
          List.of("project", "run_id"),
          p ->
              new Object[] {
                p.project(),
                p.runId(),
                p.lastStep(),
                p.lastEventMillis(),
                p.lastLoss() == null ? null : p.lastLoss().getMetric(),
                p.lastLoss() == null ? null : p.lastLoss().getSplit(),
                p.lastLoss() == null ? null : p.lastLoss().getStep(),
                p.lastLoss() == null ? null : p.lastLoss().getValue()
              },
          Map.of(
              "last_step", "GREATEST(run_progress.last_step, excluded.last_step)",
              "last_event_ms", "GREATEST(run_progress.last_event_ms, excluded.last_event_ms)",
              "loss_metric", newerLoss("loss_metric"),
              "loss_split", newerLoss("loss_split"),
              "loss_step", newerLoss("loss_step"),
              "loss_value", newerLoss("loss_value")));

  private static final Upsert<Batch.Offset> OFFSETS =
      new Upsert<>(
          "sink_offsets",
          List.of("topic", "kafka_partition", "next_offset"),
          List.of("topic", "kafka_partition"),
          o -> new Object[] {o.topic(), o.partition(), o.next()});

  private final Connection connection;
  private final Upsert.Path path;

  StoreWriter(Connection connection) throws SQLException {
    this(connection, Upsert.Path.of(connection));
  }

  /** A writer that sends its rows by {@code path} (tests run the VALUES path on DuckDB too). */
  StoreWriter(Connection connection, Upsert.Path path) throws SQLException {
    this.connection = connection;
    this.path = path;
    connection.setAutoCommit(false);
  }

  /**
   * Writes the batch's rows and offsets in one transaction.
   *
   * @throws SQLException after rolling the transaction back: nothing of the batch is written
   */
  public void write(Batch batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    try {
      RUNS.write(connection, path, batch.runs());
      POINTS.write(connection, path, batch.points());
      PROGRESS.write(connection, path, RunProgress.of(batch.points()));
      EVALS.write(connection, path, batch.evals());
      FITS.write(connection, path, batch.fits());
      ALERTS.write(connection, path, batch.alerts());
      OFFSETS.write(connection, path, batch.offsets());
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  /** The next offset to read of every partition written so far, by topic and partition. */
  public Map<String, Map<Integer, Long>> offsets() throws SQLException {
    Map<String, Map<Integer, Long>> offsets = new HashMap<>();
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT topic, kafka_partition, next_offset FROM sink_offsets");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        offsets
            .computeIfAbsent(rows.getString(1), t -> new HashMap<>())
            .put(rows.getInt(2), rows.getLong(3));
      }
    } finally {
      connection.commit();
    }
    return offsets;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static String newerLoss(String column) {
    return "CASE WHEN "
        + NEWER_LOSS
        + " THEN excluded."
        + column
        + " ELSE run_progress."
        + column
        + " END";
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static String json(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
