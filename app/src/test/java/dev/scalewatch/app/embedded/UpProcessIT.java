package dev.scalewatch.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.testing.StackProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scalewatch up} as a user runs it, as a process: which sockets it opens, and how a second
 * {@code up} on the same data directory or a port in use is refused.
 */
class UpProcessIT {

  /** Still loopback, but not the default: a listener that ignores --host shows up as 127.0.0.1. */
  private static final String HOST = "127.0.0.2";

  @TempDir static Path work;
  private static StackProcess stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new StackProcess(work, HOST);
    stack.start(Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void shouldListenOnlyOnTheConfiguredHost() throws IOException {
    List<String> listeners = listeningSockets(stack.pid());

    // broker, controller, registry, HTTP, Flink REST, Flink BLOB server at least
    assertThat(listeners).hasSizeGreaterThanOrEqualTo(6);
    assertThat(listeners).allMatch(address -> address.startsWith(HOST + ":"), "bound to " + HOST);
  }

  @Test
  void shouldRefuseASecondUpOnTheSameDataDirectoryInOneLineBeforeTouchingIt() throws Exception {
    // The running broker keeps appending to its logs, so the files are compared by name and size
    // of those a second broker would write first: its metadata and the lock of its log directory.
    Map<Path, Long> before = brokerIdentityFiles(stack.dataDirectory().resolve("kafka"));
    assertThat(before)
        .containsKey(stack.dataDirectory().resolve("kafka").resolve("meta.properties"));

    Outcome second = up("--data-dir", stack.dataDirectory().toString());

    assertThat(second.exitCode()).isEqualTo(1);
    assertThat(second.err().strip())
        .isEqualTo(
            "scalewatch up: data directory "
                + stack.dataDirectory().toAbsolutePath().normalize()
                + " is in use by another 'scalewatch up' (pid "
                + stack.pid()
                + "): stop it first, or give another --data-dir");
    assertThat(brokerIdentityFiles(stack.dataDirectory().resolve("kafka")))
        .as("no second broker formatted or locked the directory")
        .isEqualTo(before);
    assertThat(second.err().lines()).as("one line, no broker log").hasSize(1);
  }

  @Test
  void shouldNameThePortAndItsFlagInOneLineWhenAPortIsInUse(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      Outcome up = up("--data-dir", data.toString(), "--registry-port", String.valueOf(port));

      assertThat(up.exitCode()).isEqualTo(1);
      assertThat(up.err().strip())
          .isEqualTo(
              "scalewatch up: port "
                  + port
                  + " on 127.0.0.1 is in use (--registry-port): stop what uses it, or give"
                  + " --registry-port another port (0 picks a free one)");
      assertThat(data.resolve("kafka")).doesNotExist();
    }
  }

  private record Outcome(int exitCode, String err) {}

  /** {@code up} in this JVM with every port free except those given; returns once it refused. */
  private static Outcome up(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "up",
                "--kafka-port",
                "0",
                "--controller-port",
                "0",
                "--http-port",
                "0",
                "--flink-port",
                "0"));
    if (!List.of(args).contains("--registry-port")) {
      command.addAll(List.of("--registry-port", "0"));
    }
    command.addAll(List.of(args));
    StringWriter err = new StringWriter();
    var commandLine = ScaleWatch.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(command.toArray(String[]::new));
    return new Outcome(exitCode, err.toString());
  }

  /** meta.properties (written by formatting) and .lock files, with their modification times. */
  private static Map<Path, Long> brokerIdentityFiles(Path directory) throws IOException {
    Map<Path, Long> times = new TreeMap<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file :
          files
              .filter(
                  f ->
                      f.getFileName().toString().equals("meta.properties")
                          || f.getFileName().toString().equals(".lock"))
              .toList()) {
        times.put(file, Files.getLastModifiedTime(file).toMillis());
      }
    }
    return times;
  }

  /** host:port of every TCP socket the process listens on and every UDP socket it holds. */
  private static List<String> listeningSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // the fd went away between listing and reading
        }
      }
    }
    List<String> sockets = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        boolean listening = table.startsWith("udp") || fields[3].equals("0A");
        if (listening && inodes.contains(fields[9])) {
          sockets.add(address(fields[1]));
        }
      }
    }
    return sockets;
  }

  /** /proc/net's hex address (host byte order per 32-bit word) as host:port. */
  private static String address(String hex) throws IOException {
    String[] parts = hex.split(":");
    byte[] raw = new byte[parts[0].length() / 2];
    for (int word = 0; word < raw.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        String pair = parts[0].substring(word * 8 + (3 - b) * 2, word * 8 + (3 - b) * 2 + 2);
        raw[word * 4 + b] = (byte) Integer.parseInt(pair, 16);
      }
    }
    InetAddress address = InetAddress.getByAddress(raw); // ::ffff:a.b.c.d comes back as a.b.c.d
    return address.getHostAddress() + ":" + new BigInteger(parts[1], 16);
  }
}
