package dev.scalewatch.app.serve;

import dev.scalewatch.app.config.StoreSettings;
import dev.scalewatch.app.embedded.StartRefusedException;
import dev.scalewatch.sinks.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Opens the store {@code up} or {@code serve} was given, turning a database it cannot use into one
 * clear line.
 */
public final class StoreOpening {

  /** Where the embedded DuckDB file lives, under the data directory. */
  static final Path DUCKDB_FILE = Path.of("store", "scalewatch.duckdb");

  private StoreOpening() {}

  /**
   * @throws StartRefusedException if the database cannot be reached, refuses the login or the
   *     tables (naming the URL without its password, and the cause)
   */
  public static Store open(StoreSettings settings, Path dataDirectory) throws IOException {
    if (settings.embedded()) {
      Path file = dataDirectory.resolve(DUCKDB_FILE);
      try {
        return Store.openDuckDb(file);
      } catch (SQLException e) {
        throw new StartRefusedException(
            "cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage());
      }
    }
    try {
      return Store.openJdbc(settings.url(), settings.login());
    } catch (SQLException e) {
      throw new StartRefusedException(
          "cannot open the store at "
              + settings.displayUrl()
              + " (--store-url, user "
              + (settings.user().isEmpty() ? "default" : settings.user())
              + "): "
              + oneLine(e)
              + "; start the database or fix --store-url, --store-user or the password");
    }
  }

  private static String oneLine(SQLException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
