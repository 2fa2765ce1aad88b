package dev.scalewatch.app.deploy;

import dev.scalewatch.app.embedded.StartRefusedException;
import dev.scalewatch.jobs.JobsConfig;
import dev.scalewatch.jobs.StreamJobs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits ScaleWatch's stream jobs to a running Flink session cluster through Flink's own REST
 * client, and upgrades a running job by stopping it with a savepoint and starting the new graph
 * from that savepoint. The jobs' operators keep stable uids, so state maps across versions.
 */
public final class FlinkClusterJobs implements AutoCloseable {

  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  /** One job of ScaleWatch: its name and how to add it to an environment. */
  public record Job(String name, BiConsumer<StreamExecutionEnvironment, JobsConfig> build) {}

  /** Every stream job, in the order {@code up} starts them. */
  public static final List<Job> ALL =
      List.of(
          new Job(StreamJobs.RUN_MONITOR, StreamJobs::addRunMonitor),
          new Job(StreamJobs.SWEEP_FITTER, StreamJobs::addSweepFitter));

  /** What a submission did: the new job's id, and the savepoint it started from, if any. */
  public record Submitted(String name, JobID id, Optional<String> restoredFrom) {}

  private final URI rest;
  private final RestClusterClient<StandaloneClusterId> client;

  private FlinkClusterJobs(URI rest, RestClusterClient<StandaloneClusterId> client) {
    this.rest = rest;
    this.client = client;
  }

  /** A client of the cluster whose REST endpoint is {@code rest} ({@code http://host:port}). */
  public static FlinkClusterJobs connect(URI rest) throws Exception {
    if (rest.getHost() == null || rest.getPort() < 0) {
      throw new IllegalArgumentException(
          "--flink-rest must be http://HOST:PORT, e.g. http://jobmanager:8081: '" + rest + "'");
    }
    Configuration configuration = new Configuration();
    configuration.set(RestOptions.ADDRESS, rest.getHost());
    configuration.set(RestOptions.PORT, rest.getPort());
    // Fail within seconds when nothing answers, rather than after the client's 20 retries.
    configuration.set(RestOptions.RETRY_MAX_ATTEMPTS, 2);
    return new FlinkClusterJobs(
        rest, new RestClusterClient<>(configuration, StandaloneClusterId.getInstance()));
  }

  /** The id of the running (or restarting) job of that name, if there is one. */
  public Optional<JobID> running(String name) throws Exception {
    Collection<JobStatusMessage> jobs;
    try {
      jobs = client.listJobs().get(timeout(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new StartRefusedException(
          "cannot reach the Flink REST API at "
              + rest
              + " ("
              + cause
              + "): is the JobManager up, and is --flink-rest its REST address?");
    }
    for (JobStatusMessage job : jobs) {
      if (job.getJobName().equals(name) && !job.getJobState().isGloballyTerminalState()) {
        return Optional.of(job.getJobId());
      }
    }
    return Optional.empty();
  }

  /**
   * Submits {@code job} built with {@code config}, each operator with {@code parallelism} subtasks.
   * A job of the same name that still runs is refused, unless {@code upgrade}: then it is stopped
   * with a savepoint under {@code <checkpoints>/savepoints} and the new job starts from it.
   */
  public Submitted submit(
      Job job, JobsConfig config, int parallelism, boolean upgrade, List<Path> jars)
      throws Exception {
    Optional<JobID> current = running(job.name());
    Optional<String> savepoint = Optional.empty();
    if (current.isPresent()) {
      if (!upgrade) {
        throw new IllegalStateException(
            job.name()
                + " already runs on the cluster as "
                + current.get()
                + "; add --upgrade to replace it from a savepoint");
      }
      String directory =
          config.checkpointDirectory().resolve("savepoints").toAbsolutePath().toUri().toString();
      savepoint =
          Optional.of(
              client
                  .stopWithSavepoint(current.get(), false, directory, SavepointFormatType.CANONICAL)
                  .get(timeout(), TimeUnit.MILLISECONDS));
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            StreamJobs.jobConfiguration(config, job.name()));
    // Set explicitly: a client-side environment would default to this machine's core count.
    env.setParallelism(parallelism);
    job.build().accept(env, config);
    var streamGraph = env.getStreamGraph();
    streamGraph.setJobName(job.name());
    JobGraph graph = streamGraph.getJobGraph();
    savepoint.ifPresent(
        path -> graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(path, false)));
    for (Path jar : jars) {
      graph.addJar(new org.apache.flink.core.fs.Path(jar.toAbsolutePath().toUri()));
    }
    JobID id = client.submitJob(graph).get(timeout(), TimeUnit.MILLISECONDS);
    Optional<String> restoredFrom =
        savepoint.or(
            () ->
                Optional.ofNullable(graph.getSavepointRestoreSettings().getRestorePath())
                    .filter(path -> !path.isEmpty()));
    return new Submitted(job.name(), id, restoredFrom);
  }

  private static long timeout() {
    return CALL_TIMEOUT.toMillis();
  }

  @Override
  public void close() {
    client.close();
  }
}
