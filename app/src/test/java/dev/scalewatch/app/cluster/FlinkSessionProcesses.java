package dev.scalewatch.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.testing.FreeTestPorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink session cluster of separate JVMs on one host: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started from
 * Flink's Maven artifacts the way {@code flink-dist}'s scripts start them: one {@code config.yaml},
 * and the JVM memory flags and dynamic settings Flink derives from it ({@code BashJavaUtils} does
 * the same for the scripts). Every socket is bound to the given host.
 *
 * <p>The JobManager and TaskManagers do not run on the test's classpath but on what a Flink
 * distribution with ScaleWatch's jobs holds: the jars Flink's own distribution ships ({@code
 * stream-jobs/target/flink-dist.classpath}, the stream-jobs module's {@code provided} set), Flink's
 * logging jars, and {@code stream-jobs/target/flink-lib} (the jars the Docker image copies into
 * {@code /opt/flink/lib}). A class missing from flink-lib fails the jobs with a {@code
 * ClassNotFoundException} in the TaskManager logs.
 */
public final class FlinkSessionProcesses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FlinkSessionProcesses.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  // Maven runs the tests in app/; the load generators run from the repository root.
  private static final Path STREAM_JOBS_TARGET =
      (Files.isDirectory(Path.of("stream-jobs"))
              ? Path.of("stream-jobs")
              : Path.of("..", "stream-jobs"))
          .resolve("target")
          .toAbsolutePath()
          .normalize();
  // The logging jars of Flink's lib/ (log4j and its SLF4J binding), taken from the test classpath.
  private static final Pattern LOGGING_JAR =
      Pattern.compile("(log4j-(api|core|slf4j2-impl)|slf4j-api)-[0-9][^/]*\\.jar");

  private final Path directory;
  private final String host;
  private final int restPort;
  private final Map<String, String> settings;
  private final JavaProcess[] taskManagers;
  private final String classpath;
  private JavaProcess jobManager;

  private FlinkSessionProcesses(Path directory, String host, int taskManagers, int slots) {
    this.directory = directory;
    this.host = host;
    int[] ports = FreeTestPorts.pick(host, 2);
    this.restPort = ports[0];
    this.taskManagers = new JavaProcess[taskManagers];
    this.classpath = distributionClasspath();
    settings = new LinkedHashMap<>();
    settings.put("jobmanager.rpc.address", host);
    settings.put("jobmanager.rpc.port", String.valueOf(ports[1]));
    settings.put("jobmanager.bind-host", host);
    settings.put("jobmanager.memory.process.size", "768m");
    settings.put("rest.address", host);
    settings.put("rest.bind-address", host);
    settings.put("rest.port", String.valueOf(restPort));
    settings.put("taskmanager.bind-host", host);
    settings.put("taskmanager.host", host);
    // The smallest process size whose derived memory pools all fit.
    settings.put("taskmanager.memory.process.size", "1024m");
    settings.put("taskmanager.numberOfTaskSlots", String.valueOf(slots));
    settings.put("parallelism.default", "1");
    // Spread slots over the TaskManagers, so that losing one leaves room for what ran on it.
    settings.put("taskmanager.load-balance.mode", "slots");
  }

  /**
   * Starts a JobManager and {@code taskManagers} TaskManagers; returns once all have registered.
   */
  public static FlinkSessionProcesses start(
      Path directory, String host, int taskManagers, int slotsPerTaskManager) throws Exception {
    FlinkSessionProcesses cluster =
        new FlinkSessionProcesses(directory, host, taskManagers, slotsPerTaskManager);
    long started = System.nanoTime();
    try {
      cluster.writeConfig();
      cluster.startJobManager();
      for (int i = 0; i < taskManagers; i++) {
        cluster.startTaskManager(i);
      }
      cluster.awaitTaskManagers(taskManagers, START_TIMEOUT);
      log.info(
          "Flink session cluster with {} TaskManagers on {} up in {} ms",
          taskManagers,
          directory,
          (System.nanoTime() - started) / 1_000_000);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The REST endpoint, {@code http://host:port}, for Flink's REST client and for curl. */
  public String restAddress() {
    return "http://" + host + ":" + restPort;
  }

  /** {@code kill -9} of one TaskManager. */
  public void killTaskManager(int index) throws InterruptedException {
    taskManagers[index].kill();
  }

  /** Waits until {@code count} TaskManagers are registered with the JobManager. */
  public void awaitTaskManagers(int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      jobManager.requireAlive();
      if (registeredTaskManagers() >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            count + " TaskManagers did not register within " + timeout + "; logs in " + directory);
      }
      Thread.sleep(200);
    }
  }

  /** Jobs by id and status, as {@code GET /jobs} reports them. */
  public Map<String, String> jobs() throws IOException, InterruptedException {
    Map<String, String> jobs = new LinkedHashMap<>();
    for (JsonNode job : get("/jobs").path("jobs")) {
      jobs.put(job.path("id").asText(), job.path("status").asText());
    }
    return jobs;
  }

  /**
   * The job's checkpoint counts as {@code GET /jobs/:id/checkpoints} reports them: {@code
   * completed}, and {@code restored} (1 once the job restarted from a checkpoint, 0 before).
   */
  public Map<String, Long> checkpoints(String job) throws IOException, InterruptedException {
    JsonNode answer = get("/jobs/" + job + "/checkpoints");
    return Map.of(
        "completed",
        answer.path("counts").path("completed").asLong(),
        "restored",
        answer.path("latest").path("restored").isObject() ? 1L : 0L);
  }

  private int registeredTaskManagers() throws InterruptedException {
    try {
      return get("/taskmanagers").path("taskmanagers").size();
    } catch (IOException notYet) {
      return 0;
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(restAddress() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  private void writeConfig() throws IOException {
    Files.createDirectories(directory);
    StringBuilder yaml = new StringBuilder();
    settings.forEach((key, value) -> yaml.append(key).append(": ").append(value).append('\n'));
    Files.writeString(directory.resolve("config.yaml"), yaml);
    // INFO, unlike the tests' own WARN: job state changes and restores are what a failure needs.
    Files.writeString(
        logConfiguration(),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.console.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
            "logger.pekko.name = org.apache.pekko",
            "logger.pekko.level = WARN",
            ""));
  }

  private void startJobManager() throws IOException {
    Configuration config = Configuration.fromMap(settings);
    var spec = JobManagerProcessUtils.processSpecFromConfig(config);
    List<String> arguments = new ArrayList<>(List.of("--configDir", directory.toString()));
    arguments.addAll(splitArguments(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    jobManager =
        JavaProcess.start(
            "flink-jobmanager",
            directory.resolve("jobmanager.log"),
            jvmOptions(JobManagerProcessUtils.generateJvmParametersStr(spec, config)),
            classpath,
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            arguments,
            Map.of());
  }

  private void startTaskManager(int index) throws IOException {
    Configuration config = Configuration.fromMap(settings);
    var spec = TaskExecutorProcessUtils.processSpecFromConfig(config);
    Path temporary = Files.createDirectories(directory.resolve("taskmanager-" + index + "-tmp"));
    List<String> arguments = new ArrayList<>(List.of("--configDir", directory.toString()));
    arguments.addAll(splitArguments(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
    arguments.addAll(List.of("-D", "io.tmp.dirs=" + temporary));
    taskManagers[index] =
        JavaProcess.start(
            "flink-taskmanager-" + index,
            directory.resolve("taskmanager-" + index + ".log"),
            jvmOptions(ProcessMemoryUtils.generateJvmParametersStr(spec)),
            classpath,
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            arguments,
            Map.of());
  }

  /**
   * Flink's distribution plus ScaleWatch's flink-lib, as the JobManager and TaskManagers of the
   * Docker image see them; throws, saying how to build them, if the stream-jobs module's package
   * output is missing.
   */
  static String distributionClasspath() {
    Path flinkLib = STREAM_JOBS_TARGET.resolve("flink-lib");
    Path flinkDist = STREAM_JOBS_TARGET.resolve("flink-dist.classpath");
    if (!Files.isDirectory(flinkLib) || !Files.isRegularFile(flinkDist)) {
      throw new IllegalStateException(
          flinkLib
              + " or "
              + flinkDist
              + " is missing: they are built in the package phase (mvn -pl app -am verify runs"
              + " it before the integration tests)");
    }
    List<String> entries = new ArrayList<>();
    try {
      for (String entry : Files.readString(flinkDist).trim().split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          entries.add(entry);
        }
      }
      Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
          .filter(entry -> LOGGING_JAR.matcher(Path.of(entry).getFileName().toString()).matches())
          .forEach(entries::add);
      try (Stream<Path> jars = Files.list(flinkLib)) {
        jars.filter(jar -> jar.toString().endsWith(".jar"))
            .sorted()
            .forEach(jar -> entries.add(jar.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + flinkDist + " or " + flinkLib, e);
    }
    return String.join(File.pathSeparator, entries);
  }

  private Path logConfiguration() {
    return directory.resolve("log4j2.properties");
  }

  private List<String> jvmOptions(String memoryParameters) {
    List<String> options = new ArrayList<>(splitArguments(memoryParameters));
    options.add("-Dlog4j.configurationFile=" + logConfiguration());
    return options;
  }

  private static List<String> splitArguments(String line) {
    return Arrays.stream(line.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  @Override
  public void close() throws InterruptedException {
    long stopping = System.nanoTime();
    for (JavaProcess taskManager : taskManagers) {
      if (taskManager != null) {
        taskManager.close();
      }
    }
    if (jobManager != null) {
      jobManager.close();
    }
    log.info(
        "Stopped the processes under {} in {} ms",
        directory,
        (System.nanoTime() - stopping) / 1_000_000);
  }
}
