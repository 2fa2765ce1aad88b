package dev.scalewatch.sinks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * An upsert of many rows into one table ({@code ON CONFLICT (key) DO UPDATE}, which DuckDB and
 * PostgreSQL both run). The rows must have distinct keys. Immutable and thread-safe; statements run
 * on the caller's connection and transaction.
 *
 * <p>On DuckDB the rows go through its appender into a temporary staging table of the connection,
 * then one {@code INSERT ... SELECT ... ON CONFLICT} moves them (measured: about 135,000 points/s
 * into a table of 10^6; a multi-row {@code VALUES} statement reaches about 13,000). Elsewhere
 * (PostgreSQL) they go as {@code INSERT ... VALUES (...), (...)} in chunks of {@value
 * #ROWS_PER_STATEMENT} rows (PostgreSQL allows 65,535 parameters per statement).
 *
 * @param <T> the record written as one row
 */
final class Upsert<T> {

  static final int ROWS_PER_STATEMENT = 500;

  private final String table;
  private final List<String> columns;
  private final List<String> keyColumns;
  private final Function<T, Object[]> values;
  private final Map<String, String> updates;

  /**
   * @param columns every column, in the order {@code values} returns them
   * @param keyColumns the conflict target (the table's primary key); the other columns are updated
   *     to the new row's value
   */
  Upsert(
      String table, List<String> columns, List<String> keyColumns, Function<T, Object[]> values) {
    this(table, columns, keyColumns, values, Map.of());
  }

  /**
   * As above, with the SQL expression that updates some columns on conflict (naming the stored row
   * by the table's name and the new one {@code excluded}).
   */
  Upsert(
      String table,
      List<String> columns,
      List<String> keyColumns,
      Function<T, Object[]> values,
      Map<String, String> updates) {
    if (!columns.containsAll(keyColumns)) {
      throw new IllegalArgumentException(
          "key columns " + keyColumns + " must be among the columns " + columns + " of " + table);
    }
    this.table = table;
    this.columns = List.copyOf(columns);
    this.keyColumns = List.copyOf(keyColumns);
    this.values = values;
    this.updates = Map.copyOf(updates);
  }

  /** How rows reach the table. */
  enum Path {
    /** DuckDB's appender into a staging table, then one {@code INSERT ... SELECT}. */
    DUCKDB_APPENDER,
    /** Multi-row {@code INSERT ... VALUES}: any database that runs the SQL. */
    VALUES;

    static Path of(Connection connection) throws SQLException {
      return connection.isWrapperFor(DuckDBConnection.class) ? DUCKDB_APPENDER : VALUES;
    }
  }

  void write(Connection connection, Path path, Collection<T> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    if (path == Path.DUCKDB_APPENDER) {
      writeStaged(connection.unwrap(DuckDBConnection.class), rows);
    } else {
      writeValues(connection, rows);
    }
  }

  private void writeStaged(DuckDBConnection connection, Collection<T> rows) throws SQLException {
    String staging = "staging_" + table;
    String columnList = String.join(", ", columns);
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + staging
              + " AS SELECT "
              + columnList
              + " FROM "
              + table
              + " LIMIT 0");
      statement.execute("DELETE FROM " + staging);
      try (DuckDBAppender appender = connection.createAppender("temp", "main", staging)) {
        for (T row : rows) {
          appender.beginRow();
          for (Object value : valuesOf(row)) {
            append(appender, value);
          }
          appender.endRow();
        }
      }
      statement.executeUpdate(
          "INSERT INTO "
              + table
              + " ("
              + columnList
              + ") SELECT "
              + columnList
              + " FROM "
              + staging
              + onConflict());
      statement.execute("DELETE FROM " + staging);
    }
  }

  private void writeValues(Connection connection, Collection<T> rows) throws SQLException {
    List<T> chunk = new ArrayList<>(Math.min(rows.size(), ROWS_PER_STATEMENT));
    for (T row : rows) {
      chunk.add(row);
      if (chunk.size() == ROWS_PER_STATEMENT) {
        writeChunk(connection, chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      writeChunk(connection, chunk);
    }
  }

  private void writeChunk(Connection connection, List<T> chunk) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql(chunk.size()))) {
      int index = 1;
      for (T row : chunk) {
        for (Object value : valuesOf(row)) {
          bind(statement, index++, value);
        }
      }
      statement.executeUpdate();
    }
  }

  String sql(int rows) {
    String placeholders = "(" + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(table)
            .append(" (")
            .append(String.join(", ", columns))
            .append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append(placeholders);
    }
    return sql.append(onConflict()).toString();
  }

  private String onConflict() {
    return " ON CONFLICT ("
        + String.join(", ", keyColumns)
        + ") DO UPDATE SET "
        + String.join(
            ", ",
            columns.stream()
                .filter(c -> !keyColumns.contains(c))
                .map(c -> c + " = " + updates.getOrDefault(c, "excluded." + c))
                .toList());
  }

  private Object[] valuesOf(T row) {
    Object[] rowValues = values.apply(row);
    if (rowValues.length != columns.size()) {
      throw new IllegalStateException(
          table + ": " + rowValues.length + " values for " + columns.size() + " columns");
    }
    return rowValues;
  }

  private static void append(DuckDBAppender appender, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else if (value instanceof String s) {
      appender.append(s);
    } else if (value instanceof Long l) {
      appender.append(l.longValue());
    } else if (value instanceof Integer i) {
      appender.append(i.intValue());
    } else if (value instanceof Short s) {
      appender.append(s.shortValue());
    } else if (value instanceof Double d) {
      appender.append(d.doubleValue());
    } else {
      throw new IllegalArgumentException("cannot append a " + value.getClass().getName());
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.NULL);
    } else if (value instanceof String s) {
      statement.setString(index, s);
    } else if (value instanceof Long l) {
      statement.setLong(index, l);
    } else if (value instanceof Integer i) {
      statement.setInt(index, i);
    } else if (value instanceof Short s) {
      statement.setShort(index, s);
    } else if (value instanceof Double d) {
      statement.setDouble(index, d);
    } else {
      throw new IllegalArgumentException(
          "cannot bind a " + value.getClass().getName() + " (column " + index + ")");
    }
  }
}
