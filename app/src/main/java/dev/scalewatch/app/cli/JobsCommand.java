package dev.scalewatch.app.cli;

import dev.scalewatch.app.deploy.FlinkClusterJobs;
import dev.scalewatch.jobs.JobsConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code scalewatch jobs}: the stream jobs on an external Flink cluster. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "The stream jobs on an external Flink cluster ('up' runs them embedded).",
    subcommands = JobsCommand.Submit.class)
public final class JobsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code scalewatch jobs submit}. */
  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Submits the run monitor and the sweep fitter to a running Flink session cluster"
            + " through its REST API, and returns once the cluster accepted them.",
        "A job that already runs is refused; --upgrade stops it with a savepoint and starts the"
            + " new version from it (state is kept: the operators' uids are stable).",
        "--checkpoint-dir must be a path every JobManager and TaskManager sees (a shared volume):"
            + " checkpoints and savepoints are written there. A first submission resumes from the"
            + " newest checkpoint found there.",
        "Example: scalewatch jobs submit --flink-rest http://jobmanager:8081"
            + " --bootstrap-servers kafka-1:9092 --registry-url http://registry:8081"
            + " --checkpoint-dir /flink-checkpoints"
      })
  static final class Submit implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ClientOptions client = new ClientOptions();

    @Mixin JobOptions jobs = new JobOptions();

    @Option(
        names = "--flink-rest",
        defaultValue = "http://127.0.0.1:8081",
        description = "REST endpoint of the Flink JobManager (default: ${DEFAULT-VALUE}).")
    URI flinkRest;

    @Option(
        names = "--checkpoint-dir",
        required = true,
        description = "Checkpoints and savepoints, on storage the whole cluster shares.")
    Path checkpointDirectory;

    @Option(
        names = "--parallelism",
        defaultValue = "1",
        description =
            "Subtasks of each job's operators, each in a task slot: at most the topics' partition"
                + " count; keep free slots on the other TaskManagers for a job to restart on"
                + " when one fails (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
        names = "--upgrade",
        description = "Replace running jobs of the same name, keeping their state (a savepoint).")
    boolean upgrade;

    @Option(
        names = "--jar",
        paramLabel = "JAR",
        description =
            "Jar to ship with the jobs (repeatable). Not needed when the cluster's classpath"
                + " already holds ScaleWatch's jars, as in the Docker image.")
    List<Path> jars = List.of();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      JobsConfig config =
          jobs.settings(false)
              .applyTo(
                  JobsConfig.builder(
                      client.bootstrapServers, client.registryUrl, checkpointDirectory))
              .build();
      FlinkClusterJobs connected;
      try {
        connected = FlinkClusterJobs.connect(flinkRest);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      try (FlinkClusterJobs cluster = connected) {
        for (FlinkClusterJobs.Job job : FlinkClusterJobs.ALL) {
          FlinkClusterJobs.Submitted submitted =
              cluster.submit(job, config, parallelism, upgrade, jars);
          out.printf(
              "%-24s %s%s%n",
              submitted.name(),
              submitted.id(),
              submitted.restoredFrom().map(path -> " from " + path).orElse(""));
        }
      }
      return 0;
    }
  }
}
