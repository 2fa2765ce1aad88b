package dev.scalewatch.app.cli;

import dev.scalewatch.registry.EmbeddedSchemaRegistry;
import dev.scalewatch.registry.RegistryConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch registry}: ScaleWatch's Confluent-compatible schema registry alone, keeping its
 * schemas in a compacted topic of an external Kafka cluster.
 */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = {
      "Runs ScaleWatch's schema registry (the Confluent REST API subset its clients use) against"
          + " an external Kafka cluster, until SIGTERM or Ctrl-C. Schemas live in the compacted"
          + " topic _schemas. Run one instance: it assumes it is the only writer. A Confluent"
          + " Schema Registry or Karapace can take its place.",
      "Example: scalewatch registry --bootstrap-servers kafka-1:9092 --host 0.0.0.0 --port 8081"
    })
public final class RegistryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8081",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int port;

  @Override
  public Integer call() throws Exception {
    EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.start(RegistryConfig.of(bootstrapServers, host, port));
    PrintWriter out = spec.commandLine().getOut();
    out.printf("registry  %s on %s%n", registry.url(), bootstrapServers);
    out.flush();
    UntilStopped.await("scalewatch-registry", registry);
    return 0;
  }
}
