package dev.scalewatch.app.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM, by default on the test's own classpath (every server class the tests need is on
 * it: Kafka's {@code kafka.Kafka}, Flink's standalone entrypoints, ScaleWatch's main), its output
 * appended to a log file. {@link #kill()} is {@code kill -9}; {@link #close()} asks it to stop
 * (SIGTERM) and kills it if it does not within 30 s.
 */
final class JavaProcess implements AutoCloseable {

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final Path log;
  private final Process process;

  private JavaProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  /** Starts {@code java <jvmOptions> -cp <test classpath> <mainClass> <arguments>}. */
  static JavaProcess start(
      String name, Path log, List<String> jvmOptions, String mainClass, List<String> arguments)
      throws IOException {
    return start(
        name,
        log,
        jvmOptions,
        System.getProperty("java.class.path"),
        mainClass,
        arguments,
        Map.of());
  }

  /**
   * Starts {@code java <jvmOptions> -cp <classpath> <mainClass> <arguments>} with {@code
   * environment} added to this JVM's.
   */
  static JavaProcess start(
      String name,
      Path log,
      List<String> jvmOptions,
      String classpath,
      String mainClass,
      List<String> arguments,
      Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(arguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new JavaProcess(name, log, process);
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for the process to exit and returns its exit code; kills it at the timeout. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /** Throws, naming the log, if the process has exited. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with " + process.exitValue() + "; its output is in " + log);
    }
  }

  /** Asks the process to stop (SIGTERM) without waiting; {@link #close()} waits. */
  void signalStop() {
    process.destroy();
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }
}
