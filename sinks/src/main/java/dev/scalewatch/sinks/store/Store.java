package dev.scalewatch.sinks.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * The store of runs, metric points, eval results, fits and alerts: an embedded DuckDB file by
 * default, or any database that runs the SQL of {@link StoreSchema} (PostgreSQL) through {@link
 * #openJdbc}. Hands out a {@link StoreWriter} for the sink and a {@link StoreReader} for the API.
 *
 * <p>Thread-safe: every writer and every reader call gets a connection of its own (with DuckDB, a
 * duplicate of one database instance, so that writers and readers of one process see each other's
 * commits). Close it after the writers.
 */
public final class Store implements AutoCloseable {

  /** DuckDB's memory limit here: its default (80% of the machine) would compete with the JVM. */
  public static final String DUCKDB_MEMORY_LIMIT = "256MB";

  /** DuckDB's worker threads here: the stack shares a small machine. */
  public static final int DUCKDB_THREADS = 2;

  /** Opens a connection of the store's own; each caller closes what it opened. */
  @FunctionalInterface
  interface Connections {
    Connection open() throws SQLException;
  }

  private final String location;
  private final Connections connections;
  private final AutoCloseable root;

  private Store(String location, Connections connections, AutoCloseable root) {
    this.location = location;
    this.connections = connections;
    this.root = root;
  }

  /**
   * Opens (creating it and its directory if missing) the DuckDB file and its tables.
   *
   * @throws SQLException if the file cannot be opened, e.g. another process holds it
   */
  public static Store openDuckDb(Path file) throws SQLException, IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Properties properties = new Properties();
    properties.setProperty("memory_limit", DUCKDB_MEMORY_LIMIT);
    properties.setProperty("threads", String.valueOf(DUCKDB_THREADS));
    DuckDBConnection root =
        DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), properties)
            .unwrap(DuckDBConnection.class);
    Store store = new Store(file.toAbsolutePath().toString(), root::duplicate, root);
    try {
      store.createTables();
    } catch (SQLException | RuntimeException e) {
      root.close();
      throw e;
    }
    return store;
  }

  /**
   * Opens a store over a JDBC URL (e.g. {@code jdbc:postgresql://host/db}), one connection per
   * call, and creates its tables. The driver must be on the class path (PostgreSQL's is). User and
   * password go in {@code properties} ({@code user}, {@code password}).
   *
   * @throws SQLException if the database cannot be reached or refuses the login or the tables
   */
  public static Store openJdbc(String url, Properties properties) throws SQLException {
    Store store =
        new Store(
            withoutPassword(url), () -> DriverManager.getConnection(url, properties), () -> {});
    store.createTables();
    return store;
  }

  /** The URL with any {@code password=...} parameter removed, fit for logs and /health. */
  public static String withoutPassword(String url) {
    return url.replaceAll("(?i)([?&;])password=[^&;]*[&;]?", "$1").replaceAll("[?&;]$", "");
  }

  private void createTables() throws SQLException {
    try (Connection connection = connections.open()) {
      StoreSchema.create(connection);
    }
  }

  /** A writer on a connection of its own; close it when done. */
  public StoreWriter writer() throws SQLException {
    return new StoreWriter(connections.open());
  }

  /** The queries of the API; each opens and closes its own connection. */
  public StoreReader reader() {
    return new StoreReader(connections);
  }

  Connections connections() {
    return connections;
  }

  /** The DuckDB file or the JDBC URL (without its password). */
  public String location() {
    return location;
  }

  @Override
  public void close() throws Exception {
    root.close();
  }
}
