package dev.scalewatch.sinks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Downsamples one series in the database: the step range is cut into at most N buckets of equal
 * width, and each bucket keeps the min and max of its finite values, its first and last point and
 * the counts of NaN and infinities, so a single-step spike or divergence survives any zoom level.
 * Runs on DuckDB and PostgreSQL alike (FILTER clauses, a join back on the primary key for the first
 * and last points). Stateless.
 */
final class SeriesQuery {

  private static final String WHERE =
      " WHERE project = ? AND run_id = ? AND metric = ? AND split = ?";

  private static final String BUCKETS =
      """
      WITH p AS (
        SELECT step, value, value_kind,
               CAST(FLOOR((step - ?) / CAST(? AS FLOAT8)) AS BIGINT) AS bucket
        FROM metric_points
        WHERE project = ? AND run_id = ? AND metric = ? AND split = ? AND step BETWEEN ? AND ?
      ), b AS (
        SELECT bucket, COUNT(*) AS n, MIN(step) AS first_step, MAX(step) AS last_step,
               MIN(value) FILTER (WHERE value_kind = 0) AS min_value,
               MAX(value) FILTER (WHERE value_kind = 0) AS max_value,
               COUNT(*) FILTER (WHERE value_kind = 1) AS nan_count,
               COUNT(*) FILTER (WHERE value_kind = 2) AS pos_inf_count,
               COUNT(*) FILTER (WHERE value_kind = 3) AS neg_inf_count
        FROM p GROUP BY bucket
      )
      SELECT b.bucket, b.n, b.min_value, b.max_value, b.first_step, f.value, b.last_step, l.value,
             b.nan_count, b.pos_inf_count, b.neg_inf_count
      FROM b JOIN p f ON f.step = b.first_step JOIN p l ON l.step = b.last_step
      ORDER BY b.bucket""";

  private SeriesQuery() {}

  static Series run(Connection connection, SeriesRequest request) throws SQLException {
    long from;
    long to;
    if (request.fromStep() != null && request.toStep() != null) {
      from = request.fromStep();
      to = request.toStep();
    } else {
      long[] range = stepRange(connection, request);
      if (range == null) {
        return empty(request);
      }
      from = request.fromStep() != null ? request.fromStep() : range[0];
      to = request.toStep() != null ? request.toStep() : range[1];
      if (from > to) {
        return empty(request);
      }
    }
    long span = to - from + 1;
    long width = Math.max(1, (span + request.buckets() - 1) / request.buckets());
    List<SeriesBucket> buckets = new ArrayList<>();
    long points = 0;
    try (PreparedStatement statement = connection.prepareStatement(BUCKETS)) {
      int i = 1;
      statement.setLong(i++, from);
      statement.setLong(i++, width);
      statement.setString(i++, request.project());
      statement.setString(i++, request.runId());
      statement.setString(i++, request.metric());
      statement.setString(i++, request.split());
      statement.setLong(i++, from);
      statement.setLong(i, to);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long start = from + rows.getLong(1) * width;
          long count = rows.getLong(2);
          points += count;
          buckets.add(
              new SeriesBucket(
                  start,
                  Math.min(to, start + width - 1),
                  count,
                  nullableDouble(rows, 3),
                  nullableDouble(rows, 4),
                  rows.getLong(5),
                  rows.getDouble(6),
                  rows.getLong(7),
                  rows.getDouble(8),
                  rows.getLong(9),
                  rows.getLong(10),
                  rows.getLong(11)));
        }
      }
    }
    return new Series(
        request.project(),
        request.runId(),
        request.metric(),
        request.split(),
        from,
        to,
        width,
        points,
        buckets);
  }

  private static long[] stepRange(Connection connection, SeriesRequest request)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT MIN(step), MAX(step) FROM metric_points" + WHERE)) {
      statement.setString(1, request.project());
      statement.setString(2, request.runId());
      statement.setString(3, request.metric());
      statement.setString(4, request.split());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        long min = rows.getLong(1);
        return rows.wasNull() ? null : new long[] {min, rows.getLong(2)};
      }
    }
  }

  private static Series empty(SeriesRequest request) {
    long from = request.fromStep() == null ? 0 : request.fromStep();
    long to = request.toStep() == null ? from : request.toStep();
    return new Series(
        request.project(),
        request.runId(),
        request.metric(),
        request.split(),
        from,
        to,
        1,
        0,
        List.of());
  }

  private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
    double value = rows.getDouble(column);
    return rows.wasNull() ? null : value;
  }
}
