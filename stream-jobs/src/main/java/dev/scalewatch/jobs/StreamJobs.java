package dev.scalewatch.jobs;

import dev.scalewatch.jobs.kafka.KafkaIo;
import dev.scalewatch.jobs.run.RunMonitorJob;
import dev.scalewatch.jobs.sweep.SweepFitterJob;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream jobs on Kafka: each job's name, its checkpointing (a folder per job under {@link
 * JobsConfig#checkpointDirectory()}, retained when the job stops so the next start resumes from it)
 * and its sources and sinks. {@link #main} submits them to whatever cluster the environment points
 * at (the application-jar entry point).
 */
public final class StreamJobs {

  /** Name of the run monitor job. */
  public static final String RUN_MONITOR = "scalewatch-run-monitor";

  /** Name of the sweep fitter job. */
  public static final String SWEEP_FITTER = "scalewatch-sweep-fitter";

  private static final Logger log = LoggerFactory.getLogger(StreamJobs.class);

  private StreamJobs() {}

  /**
   * The configuration a job's environment needs: checkpoints every {@link
   * JobsConfig#checkpointInterval()} into {@code <checkpoints>/<job>}, retained on cancellation,
   * and a restore from the newest complete checkpoint there when one exists.
   */
  public static Configuration jobConfiguration(JobsConfig config, String job) {
    Path folder = config.checkpointDirectory().resolve(job).toAbsolutePath();
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, folder.toUri().toString());
    c.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    c.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    c.setString("pipeline.generic-types", "false");
    Optional<Path> latest = Checkpoints.latest(folder);
    latest.ifPresent(
        p -> {
          log.info("{} resumes from checkpoint {}", job, p);
          c.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString());
        });
    return c;
  }

  /** Adds the sweep fitter (evals and runs in, fits and alerts out) to {@code env}. */
  public static void addSweepFitter(StreamExecutionEnvironment env, JobsConfig config) {
    DataStream<EvalResult> evals =
        env.fromSource(
                source(config, Topics.EVALS, EvalResult.class, SWEEP_FITTER),
                KafkaIo.eventTime(
                    config.maxOutOfOrderness(), (e, ts) -> e.getEventTime().toEpochMilli()),
                "evals")
            .uid("sweep-evals-source");
    var out =
        new SweepFitterJob(
                Duration.ofSeconds(10),
                config.sweepCoalesce(),
                config.settleDelay(),
                config.sweepReselectEvery())
            .pointAt(config.pointAt())
            .targets(config.targets())
            .build(evals, runs(env, config, SWEEP_FITTER, "sweep"));
    sinks(config, SWEEP_FITTER, "sweep", out.fits(), out.alerts());
  }

  /**
   * Adds the run monitor (metrics and runs in, alerts and learning-curve fits out) to {@code env}.
   */
  public static void addRunMonitor(StreamExecutionEnvironment env, JobsConfig config) {
    DataStream<MetricPoint> metrics =
        env.fromSource(
                source(config, Topics.METRICS, MetricPoint.class, RUN_MONITOR),
                KafkaIo.eventTime(
                    config.maxOutOfOrderness(), (p, ts) -> p.getEventTime().toEpochMilli()),
                "metrics")
            .uid("run-metrics-source");
    var out =
        new RunMonitorJob(config.stallGap(), config.runFitInterval(), config.lossMetrics())
            .build(metrics, runs(env, config, RUN_MONITOR, "run"));
    sinks(config, RUN_MONITOR, "run", out.fits(), out.alerts());
  }

  private static <T extends SpecificRecordBase> KafkaSource<T> source(
      JobsConfig config, String topic, Class<T> type, String groupId) {
    return KafkaIo.source(config.bootstrapServers(), config.registryUrl(), topic, type, groupId);
  }

  /** The run records a job joins with: metadata, so they never hold the job's watermark back. */
  private static DataStream<Run> runs(
      StreamExecutionEnvironment env, JobsConfig config, String job, String uidPrefix) {
    return env.fromSource(
            source(config, Topics.RUNS, Run.class, job + "-runs"), KafkaIo.neverHoldsBack(), "runs")
        .uid(uidPrefix + "-runs-source");
  }

  /** A job's exactly-once sinks of fits and alerts (uids kept stable for restores). */
  private static void sinks(
      JobsConfig config,
      String job,
      String uidPrefix,
      DataStream<Fit> fits,
      DataStream<Alert> alerts) {
    String servers = config.bootstrapServers();
    String registry = config.registryUrl();
    alerts
        .sinkTo(
            KafkaIo.<Alert>sink(servers, registry, Topics.ALERTS, job + "-alerts", Alert::getId))
        .name(uidPrefix + "-alerts-sink")
        .uid(uidPrefix + "-alerts-sink");
    fits.sinkTo(KafkaIo.<Fit>sink(servers, registry, Topics.FITS, job + "-fits", Fit::getKey))
        .name(uidPrefix + "-fits-sink")
        .uid(uidPrefix + "-fits-sink");
  }

  /**
   * Submits every job to the cluster of the ambient environment: {@code main BOOTSTRAP REGISTRY
   * CHECKPOINT_DIR}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: StreamJobs BOOTSTRAP_SERVERS REGISTRY_URL CHECKPOINT_DIR");
      System.exit(2);
    }
    JobsConfig config = JobsConfig.builder(args[0], args[1], Path.of(args[2])).build();
    var env =
        StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration(config, SWEEP_FITTER));
    addSweepFitter(env, config);
    env.executeAsync(SWEEP_FITTER);
  }
}
