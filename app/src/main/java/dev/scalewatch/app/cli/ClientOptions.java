package dev.scalewatch.app.cli;

import picocli.CommandLine.Option;

/** Where a client command finds the broker and the registry (defaults: the embedded stack's). */
public final class ClientOptions {

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
  String registryUrl;
}
