package dev.scalewatch.app.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server, started from the Debian package's binaries ({@code
 * /usr/lib/postgresql/<version>/bin}, the newest version) by {@link #start}; then {@link
 * #createDatabase} and {@link #jdbcUrl}. Tests take it through {@link RunningPostgres}. It runs in
 * a fresh temporary directory, on a free port of 127.0.0.1 and with its socket in that directory,
 * so a cluster the package started itself (port 5432) does not matter; user {@value #USER} with
 * password {@value #PASSWORD} (md5 over TCP). Stopped and deleted after the class.
 *
 * <p>{@code initdb} refuses to run as root: as root (CI) the server runs as the OS user {@code
 * postgres} through {@code runuser}, in a directory that user owns. Without the binaries, {@link
 * #start} throws naming the package to install, so a test fails instead of skipping.
 */
public final class PostgresServer {

  public static final String USER = "scalewatch";
  public static final String PASSWORD = "scalewatch-test";

  private static final Path INSTALLATIONS = Path.of("/usr/lib/postgresql");
  private static final String OS_USER_AS_ROOT = "postgres";
  private static final long START_TIMEOUT_SECONDS = 60;

  private Path bin;
  private Path directory;
  private Path data;
  private int port;
  private boolean asRoot;

  /** Starts the server; {@link #stop} ends it. */
  public void start() throws IOException, InterruptedException {
    bin = binaries();
    asRoot = isRoot();
    directory = Files.createTempDirectory("scalewatch-pg-");
    data = directory.resolve("data");
    if (asRoot) {
      UserPrincipal postgres =
          directory
              .getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName(OS_USER_AS_ROOT);
      Files.setOwner(directory, postgres);
    }
    Path passwordFile = directory.resolve("password");
    Files.writeString(passwordFile, PASSWORD, StandardCharsets.UTF_8);
    if (asRoot) {
      Files.setOwner(passwordFile, Files.getOwner(directory));
    }
    run(
        "initdb",
        "-D",
        data.toString(),
        "-U",
        USER,
        "--pwfile=" + passwordFile,
        "--auth-local=trust",
        "--auth-host=md5",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync");
    port = FreeTestPorts.pick("127.0.0.1", 1)[0];
    run(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        directory.resolve("server.log").toString(),
        "-w",
        "-t",
        String.valueOf(START_TIMEOUT_SECONDS),
        "-o",
        "-p "
            + port
            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
            + directory
            + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        "start");
  }

  /** Stops the server at once and deletes its directory; safe to call twice. */
  public void stop() throws IOException, InterruptedException {
    if (directory == null) {
      return;
    }
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      }
    } finally {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
      directory = null;
    }
  }

  /** Creates an empty database and returns its JDBC URL. */
  public String createDatabase(String name) throws SQLException {
    try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), login());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
    }
    return jdbcUrl(name);
  }

  /** The JDBC URL of a database of this server (without user or password: see {@link #login}). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** User and password as the driver takes them. */
  public Properties login() {
    Properties login = new Properties();
    login.setProperty("user", USER);
    login.setProperty("password", PASSWORD);
    return login;
  }

  public int port() {
    return port;
  }

  private static boolean isRoot() throws IOException {
    // The owner of /proc/self is this process's user id.
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  /** The newest installed version's bin directory; fails naming what to install. */
  private static Path binaries() throws IOException {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(INSTALLATIONS)) {
      try (Stream<Path> versions = Files.list(INSTALLATIONS)) {
        versions
            .map(version -> version.resolve("bin"))
            .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")))
            .forEach(found::add);
      }
    }
    return found.stream()
        .max(Comparator.comparing(PostgresServer::majorVersion))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "PostgreSQL is not installed: no "
                        + INSTALLATIONS
                        + "/*/bin/initdb. The PostgreSQL tests need a real server: install"
                        + " Debian's package (apt-get install postgresql), as .ci/run does"));
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void run(String program, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", OS_USER_AS_ROOT, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(arguments));
    // Output to a file, not a pipe: the server pg_ctl starts would keep a pipe open.
    Path output = Files.createTempFile("scalewatch-pg-" + program + "-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(START_TIMEOUT_SECONDS + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(program + " did not finish: " + command);
      }
      if (process.exitValue() != 0) {
        String log = directory == null ? "" : serverLog();
        throw new IllegalStateException(
            program
                + " failed with exit code "
                + process.exitValue()
                + ": "
                + command
                + "\n"
                + Files.readString(output)
                + log);
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private String serverLog() throws IOException {
    Path log = directory.resolve("server.log");
    return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
  }
}
