package dev.scalewatch.app.cli;

import dev.scalewatch.ingest.gateway.GatewayConfig;
import picocli.CommandLine.Option;

/** Tokens and limits of the HTTP ingest gateway, shared by {@code up} and {@code serve}. */
public final class GatewayOptions {

  @Option(
      names = "--gateway-tokens",
      paramLabel = "PROJECT=TOKEN[,...]",
      defaultValue = "",
      description =
          "Bearer tokens of the HTTP gateway, one per project (default: none, so the "
              + "gateway refuses every batch). Prefer SCALEWATCH_GATEWAY_TOKENS or the config file "
              + "over a flag, which other users can see in the process list.")
  String gatewayTokens;

  @Option(
      names = "--gateway-max-events",
      defaultValue = "10000",
      description = "Most events in one gateway batch (default: ${DEFAULT-VALUE}).")
  int gatewayMaxEvents;

  @Option(
      names = "--gateway-max-bytes",
      defaultValue = "4194304",
      description = "Most bytes in one gateway request (default: ${DEFAULT-VALUE}).")
  int gatewayMaxBytes;

  /** The gateway configuration; throws if the tokens do not parse. */
  GatewayConfig config() {
    return new GatewayConfig(
        GatewayConfig.parseTokens(gatewayTokens), gatewayMaxEvents, gatewayMaxBytes);
  }
}
