package dev.scalewatch.sinks.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, in SQL that DuckDB and PostgreSQL both run: {@code VARCHAR}, {@code BIGINT},
 * {@code FLOAT8}, {@code SMALLINT}; times as epoch milliseconds ({@code *_ms}); maps and nested
 * records as JSON text. Each table's primary key is the natural key its upserts conflict on:
 *
 * <ul>
 *   <li>{@code runs}: project, run_id (the latest record of a run wins, as on the compacted topic)
 *   <li>{@code metric_points}: project, run_id, metric, split, step (the normalizer's dedup key)
 *   <li>{@code eval_results}: project, run_id, task, metric, shots, step (shots -1 when the result
 *       has none: a primary key column cannot be null)
 *   <li>{@code fits}: project, fit_key, sequence (one row per refit: the fit history)
 *   <li>{@code alerts}: alert_id, state (at most a FIRING and a RESOLVED row per alert)
 *   <li>{@code run_progress}: project, run_id: each run's highest step, newest event time and
 *       latest loss point, kept up to date by the writer so that the runs list never scans the
 *       points (the greatest values win, so replaying points changes nothing)
 *   <li>{@code sink_offsets}: topic, kafka_partition: the next offset to read, written in the same
 *       transaction as the rows, so a restart resumes exactly where the last commit ended
 * </ul>
 *
 * {@code value_kind} holds a {@link ValueKind} code beside every measured value. Creating the
 * tables is idempotent.
 */
public final class StoreSchema {

  /** Version of this schema, kept in {@code store_schema} for migrations to come. */
  public static final int VERSION = 1;

  static final List<String> TABLES =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS store_schema (
            version INTEGER NOT NULL PRIMARY KEY
          )""",
          """
          CREATE TABLE IF NOT EXISTS runs (
            project VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            name VARCHAR,
            model_family VARCHAR,
            parameters BIGINT,
            non_embedding_parameters BIGINT,
            planned_tokens BIGINT,
            dataset VARCHAR,
            hyperparameters VARCHAR NOT NULL,
            tags VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            started_at_ms BIGINT,
            ended_at_ms BIGINT,
            updated_at_ms BIGINT NOT NULL,
            PRIMARY KEY (project, run_id)
          )""",
          """
          CREATE TABLE IF NOT EXISTS metric_points (
            project VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,
            split VARCHAR NOT NULL,
            step BIGINT NOT NULL,
            value FLOAT8 NOT NULL,
            value_kind SMALLINT NOT NULL,
            tokens_seen BIGINT,
            flops FLOAT8,
            parameters BIGINT,
            event_time_ms BIGINT NOT NULL,
            PRIMARY KEY (project, run_id, metric, split, step)
          )""",
          """
          CREATE TABLE IF NOT EXISTS eval_results (
            project VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            task VARCHAR NOT NULL,
            metric VARCHAR NOT NULL,
            shots INTEGER NOT NULL,
            step BIGINT NOT NULL,
            value FLOAT8 NOT NULL,
            value_kind SMALLINT NOT NULL,
            stderr FLOAT8,
            sample_count BIGINT,
            tokens_seen BIGINT,
            flops FLOAT8,
            parameters BIGINT,
            event_time_ms BIGINT NOT NULL,
            PRIMARY KEY (project, run_id, task, metric, shots, step)
          )""",
          """
          CREATE TABLE IF NOT EXISTS fits (
            project VARCHAR NOT NULL,
            fit_key VARCHAR NOT NULL,
            sequence BIGINT NOT NULL,
            scope VARCHAR NOT NULL,
            run_id VARCHAR,
            task VARCHAR,
            metric VARCHAR NOT NULL,
            x_axis VARCHAR NOT NULL,
            form VARCHAR NOT NULL,
            event_time_ms BIGINT NOT NULL,
            body VARCHAR NOT NULL,
            PRIMARY KEY (project, fit_key, sequence)
          )""",
          """
          CREATE TABLE IF NOT EXISTS alerts (
            alert_id VARCHAR NOT NULL,
            state VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            project VARCHAR NOT NULL,
            run_id VARCHAR,
            task VARCHAR,
            metric VARCHAR,
            summary VARCHAR NOT NULL,
            starts_at_ms BIGINT NOT NULL,
            ends_at_ms BIGINT,
            body VARCHAR NOT NULL,
            PRIMARY KEY (alert_id, state)
          )""",
          """
          CREATE TABLE IF NOT EXISTS run_progress (
            project VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            last_step BIGINT NOT NULL,
            last_event_ms BIGINT NOT NULL,
            loss_metric VARCHAR,
            loss_split VARCHAR,
            loss_step BIGINT,
            loss_value FLOAT8,
            PRIMARY KEY (project, run_id)
          )""",
          """
          CREATE TABLE IF NOT EXISTS sink_offsets (
            topic VARCHAR NOT NULL,
            kafka_partition INTEGER NOT NULL,
            next_offset BIGINT NOT NULL,
            PRIMARY KEY (topic, kafka_partition)
          )""");

  private StoreSchema() {}

  /** Creates the tables that are missing and records the schema version. */
  static void create(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        statement.execute(table);
      }
      statement.execute(
          "INSERT INTO store_schema (version) VALUES ("
              + VERSION
              + ") ON CONFLICT (version) DO NOTHING");
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }
}
