package dev.scalewatch.app.cli;

import dev.scalewatch.app.embedded.ContractRegistration;
import dev.scalewatch.app.embedded.TopicSetup;
import dev.scalewatch.app.http.Health;
import dev.scalewatch.app.http.HttpServer;
import dev.scalewatch.ingest.normalize.Normalizer;
import dev.scalewatch.ingest.normalize.NormalizerConfig;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch normalizer}: the Kafka Streams normalizer alone, against an external Kafka
 * cluster and schema registry. Instances with the same application id share the raw topic's
 * partitions, so more instances (or {@code --threads}) scale it out and one that stops hands its
 * partitions to the others.
 */
@Command(
    name = "normalizer",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the normalizer (scalewatch.raw -> runs, metrics, evals, dead letters) against an"
          + " external Kafka cluster and schema registry, until SIGTERM or Ctrl-C; 'up' runs the"
          + " same code inside its embedded stack.",
      "At start it creates the topics that do not exist yet (the broker's default replication"
          + " factor) and registers the contract's schemas, so the first instance of a new"
          + " deployment prepares the cluster. Start several with the same --application-id to"
          + " share the partitions; each needs its own --state-dir.",
      "Example: scalewatch normalizer --bootstrap-servers kafka-1:9092,kafka-2:9092"
          + " --registry-url http://registry:8081 --state-dir /var/lib/scalewatch/normalizer"
    })
public final class NormalizerCommand implements Callable<Integer> {

  /**
   * A killed instance's partitions move to the others once its consumer session times out: 10 s
   * instead of the client's 45 s, so that a failover holds runs back for less than a stall gap.
   */
  static final Map<String, Object> FAILOVER =
      Map.of(
          StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000,
          StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);

  @Spec CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--state-dir",
      defaultValue = "scalewatch-data/normalizer",
      description =
          "Local state of this instance (the dedup store; rebuilt from its changelog topic if"
              + " lost) (default: ${DEFAULT-VALUE}).")
  Path stateDirectory;

  @Option(
      names = "--application-id",
      defaultValue = NormalizerConfig.DEFAULT_APPLICATION_ID,
      description =
          "Kafka Streams application id: the consumer group the instances share and the prefix"
              + " of its internal topics (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Stream threads of this instance (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--partitions",
      defaultValue = "12",
      description =
          "Partitions of each topic this instance creates because it is missing; existing topics"
              + " keep theirs. More partitions allow more normalizer threads and Flink"
              + " parallelism (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Address of the /health endpoint (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--http-port",
      defaultValue = "8090",
      description = "Port of GET /health (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int httpPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, client.bootstrapServers))) {
      List<String> created = TopicSetup.ensureTopics(admin, partitions);
      if (!created.isEmpty()) {
        out.printf("created   %s%n", created);
      }
      TopicSetup.ensureRequiredConfigs(admin);
    }
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl)) {
      ContractRegistration.registerAll(registry);
    }
    Normalizer normalizer =
        Normalizer.start(
            NormalizerConfig.of(client.bootstrapServers, client.registryUrl, stateDirectory)
                .withApplicationId(applicationId)
                .withThreads(threads)
                .withStreamsOverrides(FAILOVER));
    Health health =
        new Health()
            .register(
                "normalizer",
                Topics.RAW + " -> normalized topics",
                normalizer::isRunning,
                normalizer::healthDetails);
    HttpServer http = HttpServer.start(host, httpPort, health, 64 * 1024, List.of());
    out.printf(
        "normalizer %s on %s, state in %s, health on http://%s:%d/health%n",
        applicationId,
        client.bootstrapServers,
        stateDirectory.toAbsolutePath().normalize(),
        host,
        http.port());
    out.flush();
    UntilStopped.await("scalewatch-normalizer", http, normalizer);
    return 0;
  }
}
