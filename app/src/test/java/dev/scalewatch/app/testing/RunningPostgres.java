package dev.scalewatch.app.testing;

import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server ({@link PostgresServer}) for all tests of a class:
 * {@code @RegisterExtension static final RunningPostgres postgres = new RunningPostgres();}, then
 * {@link #createDatabase} and {@link #login()}. Stopped and deleted after the class. Without
 * PostgreSQL installed the class fails, naming the package to install.
 */
public final class RunningPostgres implements BeforeAllCallback, AfterAllCallback {

  private final PostgresServer server = new PostgresServer();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    server.stop();
  }

  /** Creates an empty database and returns its JDBC URL. */
  public String createDatabase(String name) throws SQLException {
    return server.createDatabase(name);
  }

  /** User and password as the driver takes them. */
  public Properties login() {
    return server.login();
  }

  public PostgresServer server() {
    return server;
  }
}
