package dev.scalewatch.app.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Flink MiniCluster of the embedded stack; every ScaleWatch job runs in it.
 *
 * <p>Jobs are built on an ordinary {@link StreamExecutionEnvironment} from {@link #environment()}
 * and handed to {@link #submit}, which sends the stream graph to this cluster instead of starting a
 * new local cluster per job (each of those would cost about 2 s and 200 MB).
 *
 * <p>Thread-safe: submit may be called from any thread.
 */
public final class EmbeddedFlink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedFlink.class);
  private static final int SLOTS = 8;

  private final MiniCluster cluster;
  private final String restAddress;

  private EmbeddedFlink(MiniCluster cluster, String restAddress) {
    this.cluster = cluster;
    this.restAddress = restAddress;
  }

  /** Starts the MiniCluster with its REST endpoint on {@code host:port} (0 picks a free port). */
  public static EmbeddedFlink start(Path workDirectory, String host, int port) throws Exception {
    Files.createDirectories(workDirectory);
    Configuration configuration = new Configuration();
    configuration.set(RestOptions.BIND_ADDRESS, host);
    configuration.set(RestOptions.ADDRESS, host);
    configuration.set(RestOptions.PORT, FreePorts.resolve(host, port));
    // The BLOB server (job jars and large task payloads) binds to the JobManager's bind host, all
    // interfaces unless set; the TaskManager's data port likewise.
    configuration.set(JobManagerOptions.BIND_HOST, host);
    configuration.set(JobManagerOptions.ADDRESS, host);
    configuration.set(TaskManagerOptions.BIND_HOST, host);
    configuration.set(TaskManagerOptions.HOST, host);
    configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, SLOTS);
    configuration.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
    configuration.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
    configuration.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
    configuration.setString("io.tmp.dirs", workDirectory.toAbsolutePath().toString());
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(SLOTS)
                .build());
    cluster.start();
    String restAddress = cluster.getRestAddress().get().toString();
    log.info("Flink MiniCluster with {} slots, REST on {}", SLOTS, restAddress);
    return new EmbeddedFlink(cluster, restAddress);
  }

  /** A fresh environment to build one job on; it does not start a cluster of its own. */
  public StreamExecutionEnvironment environment() {
    return environment(new Configuration());
  }

  /** As {@link #environment()}, with job settings (checkpointing, a state to restore). */
  public StreamExecutionEnvironment environment(Configuration job) {
    Configuration configuration = new Configuration(job);
    configuration.setString("pipeline.generic-types", "false");
    return StreamExecutionEnvironment.getExecutionEnvironment(configuration);
  }

  /** Whether the job runs (not restarting, failed or finished). */
  public boolean isRunning(JobID job) {
    try {
      return cluster.getJobStatus(job).get(5, TimeUnit.SECONDS) == JobStatus.RUNNING;
    } catch (Exception e) {
      return false;
    }
  }

  /** Submits the job built on {@code environment} to this cluster and returns its id. */
  public JobID submit(StreamExecutionEnvironment environment, String jobName) throws Exception {
    var graph = environment.getStreamGraph();
    graph.setJobName(jobName);
    return cluster.submitJob(graph).get().getJobID();
  }

  /** Completes when the job ends, with its result (failure cause included). */
  public CompletableFuture<JobResult> result(JobID job) {
    return cluster.requestJobResult(job);
  }

  public CompletableFuture<?> cancel(JobID job) {
    return cluster.cancelJob(job);
  }

  public String restAddress() {
    return restAddress;
  }

  public boolean isHealthy() {
    return cluster.isRunning();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
