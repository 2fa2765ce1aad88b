package dev.scalewatch.app.config;

import dev.scalewatch.sinks.store.Store;
import java.util.Properties;

/**
 * Where {@code up} keeps its store: the embedded DuckDB file under the data directory (an empty
 * URL), or a PostgreSQL database given by its JDBC URL, user and password.
 *
 * <p>{@link #toString()} never shows the password.
 *
 * @param url empty for DuckDB, else {@code jdbc:postgresql://host:port/database}
 * @param user the database user (empty: the driver's default, the OS user)
 * @param password the user's password (empty: none, e.g. trust or peer authentication)
 */
public record StoreSettings(String url, String user, String password) {

  /** The default: DuckDB under the data directory. */
  public static final StoreSettings EMBEDDED = new StoreSettings("", "", "");

  private static final String POSTGRES_PREFIX = "jdbc:postgresql:";

  public StoreSettings {
    url = url == null ? "" : url.strip();
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    if (!url.isEmpty() && !url.startsWith(POSTGRES_PREFIX)) {
      throw new IllegalArgumentException(
          "store-url must be a PostgreSQL JDBC URL ("
              + POSTGRES_PREFIX
              + "//host:port/database) or empty for the embedded DuckDB: '"
              + Store.withoutPassword(url)
              + "'");
    }
    if (url.isEmpty() && !(user.isEmpty() && password.isEmpty())) {
      throw new IllegalArgumentException(
          "store-user and store-password need store-url: the embedded DuckDB has no login (set"
              + " store-url to a jdbc:postgresql:// URL, or unset them)");
    }
  }

  /** A PostgreSQL store. */
  public static StoreSettings postgres(String url, String user, String password) {
    return new StoreSettings(url, user, password);
  }

  /** True for the embedded DuckDB store. */
  public boolean embedded() {
    return url.isEmpty();
  }

  /** The URL without a password parameter, for messages, logs and /health. */
  public String displayUrl() {
    return Store.withoutPassword(url);
  }

  /** The driver's login properties: {@code user} and {@code password} when set. */
  public Properties login() {
    Properties login = new Properties();
    if (!user.isEmpty()) {
      login.setProperty("user", user);
    }
    if (!password.isEmpty()) {
      login.setProperty("password", password);
    }
    return login;
  }

  @Override
  public String toString() {
    return embedded()
        ? "StoreSettings[embedded DuckDB]"
        : "StoreSettings[url="
            + displayUrl()
            + ", user="
            + user
            + ", password="
            + (password.isEmpty() ? "none" : "***")
            + "]";
  }
}
