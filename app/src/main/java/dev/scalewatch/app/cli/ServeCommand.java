package dev.scalewatch.app.cli;

import dev.scalewatch.app.embedded.DataDirectoryLock;
import dev.scalewatch.app.embedded.PortPreflight;
import dev.scalewatch.app.http.Health;
import dev.scalewatch.app.serve.Serving;
import dev.scalewatch.app.serve.ServingConfig;
import dev.scalewatch.app.serve.StartedParts;
import dev.scalewatch.app.serve.StoreOpening;
import dev.scalewatch.app.serve.TopicsPreflight;
import dev.scalewatch.ingest.gateway.Admission;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.sinks.metrics.MetricsEndpoint;
import dev.scalewatch.sinks.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch serve}: the serving half of {@code up} (store sink, alert routing, gateway,
 * API, dashboard, metrics) against an external Kafka cluster, registry and store.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the HTTP side of ScaleWatch against an external Kafka cluster and schema registry,"
          + " until SIGTERM or Ctrl-C: the ingest gateway (/v1), the store's JSON API (/api), the"
          + " dashboard (/), /metrics and /health, the sink that fills the store from the topics,"
          + " and alert routing. 'up' runs the same code inside its embedded stack.",
      "Keep the store in PostgreSQL (--store-url, password in SCALEWATCH_STORE_PASSWORD) when"
          + " serve runs in a container or more than one place; the default DuckDB file under"
          + " --data-dir is for one process. Run one serve per store: the sink and alert routing"
          + " are consumer groups, so a second instance would share their partitions, not copy"
          + " them.",
      "Example: SCALEWATCH_STORE_PASSWORD=... scalewatch serve --bootstrap-servers kafka-1:9092"
          + " --registry-url http://registry:8081 --store-url jdbc:postgresql://db:5432/scalewatch"
          + " --store-user scalewatch --public-url https://scalewatch.example.org"
    })
public final class ServeCommand implements Callable<Integer> {

  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Mixin StoreOptions store = new StoreOptions();

  @Mixin GatewayOptions gateway = new GatewayOptions();

  @Mixin AlertRoutingOptions routing = new AlertRoutingOptions();

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Address the HTTP server binds to (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "Port of the HTTP server (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int httpPort;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      defaultValue = "",
      description =
          "The dashboard's address as users reach it (a proxy or load balancer in front), used in"
              + " the links of delivered alerts (default: http://<this host's name>:<http-port>).")
  String publicUrl;

  @Option(
      names = "--flink-rest",
      paramLabel = "URL",
      defaultValue = "",
      description =
          "REST address of the Flink cluster that runs the stream jobs, for the refit and"
              + " late-point counts on /metrics (default: none, those metrics are left out).")
  String flinkRest;

  @Option(
      names = "--data-dir",
      defaultValue = "scalewatch-data",
      description =
          "Directory of the DuckDB store when no --store-url is given (default: ${DEFAULT-VALUE}).")
  Path dataDirectory;

  @Override
  public Integer call() throws Exception {
    ServingConfig config;
    try {
      config =
          new ServingConfig(
              host, httpPort, publicUrl, gateway.config(), store.settings(spec), routing.config());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PortPreflight.requireFree(host, Map.of("--http-port", httpPort));
    TopicsPreflight.require(client.bootstrapServers, KAFKA_TIMEOUT);
    StartedParts parts = new StartedParts();
    try {
      if (config.store().embedded()) {
        parts.track(DataDirectoryLock.acquire(dataDirectory));
      }
      Store opened = parts.track(StoreOpening.open(config.store(), dataDirectory));
      SchemaRegistryClient registry = parts.track(SchemaRegistryClients.forUrl(client.registryUrl));
      Serving serving =
          parts.track(
              Serving.start(
                  config,
                  client.bootstrapServers,
                  registry,
                  opened,
                  new Health(),
                  new MetricsEndpoint(),
                  flinkRest.isBlank() ? Optional.empty() : Optional.of(flinkRest.strip()),
                  Admission.OPEN));
      report(config, serving, opened.location());
    } catch (Exception | Error e) {
      parts.close();
      throw e;
    }
    UntilStopped.await("scalewatch-serve", parts);
    return 0;
  }

  private void report(ServingConfig config, Serving serving, String storeLocation) {
    PrintWriter out = spec.commandLine().getOut();
    String base = "http://" + host + ":" + serving.httpPort();
    out.printf("kafka     %s, registry %s%n", client.bootstrapServers, client.registryUrl);
    out.printf("store     %s%n", storeLocation);
    out.printf("http      %s/health, /v1, /api, /metrics%n", base);
    out.printf("dashboard %s/ (alert links: %s)%n", base, serving.publicUrl());
    out.printf("alerts    %s%n", AlertRoutingOptions.describe(config.routing()));
    out.println("scalewatch serve: running; SIGTERM or Ctrl-C stops");
    out.flush();
  }
}
