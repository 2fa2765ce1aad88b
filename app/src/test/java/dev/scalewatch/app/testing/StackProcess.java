package dev.scalewatch.app.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code scalewatch up} as a child process (the test's own classpath, main class {@code
 * dev.scalewatch.app.ScaleWatch}) on fixed free ports and one data directory, so that a fault test
 * can SIGKILL it and start it again where it stopped. Each start logs to {@code up-N.log} beside
 * the data directory. Not thread-safe.
 */
public final class StackProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path work;
  private final String host;
  private final int[] ports;
  private final int kafkaPort;
  private final int controllerPort;
  private final int registryPort;
  private final int httpPort;
  private final int flinkPort;
  private Process process;
  private int starts;

  /** A stack on 127.0.0.1 whose state lives under {@code work/data}; not started yet. */
  public StackProcess(Path work) {
    this(work, "127.0.0.1");
  }

  /** As above, bound to {@code host} ({@code up --host}). */
  public StackProcess(Path work, String host) {
    this.work = work;
    this.host = host;
    this.ports = FreeTestPorts.pick(host, 5);
    this.kafkaPort = ports[0];
    this.controllerPort = ports[1];
    this.registryPort = ports[2];
    this.httpPort = ports[3];
    this.flinkPort = ports[4];
  }

  /** Starts {@code up} and waits until {@code /health} answers 200. */
  public void start(Duration timeout) throws Exception {
    starts++;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx768m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.scalewatch.app.ScaleWatch");
    command.addAll(
        List.of(
            "up",
            "--data-dir",
            dataDirectory().toString(),
            "--host",
            host,
            "--kafka-port",
            String.valueOf(kafkaPort),
            "--controller-port",
            String.valueOf(controllerPort),
            "--registry-port",
            String.valueOf(registryPort),
            "--http-port",
            String.valueOf(httpPort),
            "--flink-port",
            String.valueOf(flinkPort),
            "--partitions",
            "2"));
    Path log = work.resolve("up-" + starts + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SCALEWATCH_"));
    process = builder.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "scalewatch up exited with " + process.exitValue() + ":\n" + tail(log));
      }
      if (healthy()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("/health not UP within " + timeout + ":\n" + tail(log));
      }
      Thread.sleep(200);
    }
  }

  /** SIGKILL: the process gets no chance to flush, commit or leave its group. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String bootstrapServers() {
    return host + ":" + kafkaPort;
  }

  public String registryUrl() {
    return "http://" + host + ":" + registryPort;
  }

  public String httpUrl() {
    return "http://" + host + ":" + httpPort;
  }

  public Path dataDirectory() {
    return work.resolve("data");
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM and wait (a clean stop), then SIGKILL if it hangs. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private boolean healthy() {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(httpUrl() + "/health"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}
