package dev.scalewatch.sinks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * An {@code INSERT ... VALUES (...), (...) ON CONFLICT (key) DO UPDATE} of one table, many rows per
 * statement (DuckDB and PostgreSQL both run it; PostgreSQL allows 65,535 parameters per statement,
 * so rows are sent in chunks of {@value #ROWS_PER_STATEMENT}). The rows must have distinct keys.
 * Immutable and thread-safe; statements run on the caller's connection and transaction.
 *
 * @param <T> the record written as one row
 */
final class Upsert<T> {

  static final int ROWS_PER_STATEMENT = 500;

  private final String table;
  private final List<String> columns;
  private final List<String> keyColumns;
  private final Function<T, Object[]> values;

  /**
   * @param columns every column, in the order {@code values} returns them
   * @param keyColumns the conflict target (the table's primary key); the other columns are updated
   */
  Upsert(
      String table, List<String> columns, List<String> keyColumns, Function<T, Object[]> values) {
    if (!columns.containsAll(keyColumns)) {
      throw new IllegalArgumentException(
          "key columns " + keyColumns + " must be among the columns " + columns + " of " + table);
    }
    this.table = table;
    this.columns = List.copyOf(columns);
    this.keyColumns = List.copyOf(keyColumns);
    this.values = values;
  }

  void write(Connection connection, Collection<T> rows) throws SQLException {
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
        Object[] rowValues = values.apply(row);
        if (rowValues.length != columns.size()) {
          throw new IllegalStateException(
              table + ": " + rowValues.length + " values for " + columns.size() + " columns");
        }
        for (Object value : rowValues) {
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
    sql.append(" ON CONFLICT (").append(String.join(", ", keyColumns)).append(") DO UPDATE SET ");
    sql.append(
        String.join(
            ", ",
            columns.stream()
                .filter(c -> !keyColumns.contains(c))
                .map(c -> c + " = excluded." + c)
                .toList()));
    return sql.toString();
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
