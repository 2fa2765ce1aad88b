package dev.scalewatch.ingest.gateway;

import java.util.Locale;
import java.util.Map;

/**
 * What the HTTP gateway accepts: which bearer token writes which project, and how large a batch may
 * be. Validated at construction.
 *
 * @param projectsByToken bearer token to the one project it may write (tokens are secrets: this
 *     record's {@code toString} never shows them)
 * @param maxEvents most events in one batch; larger batches get 413
 * @param maxBytes most bytes in one request body; larger bodies get 413
 */
public record GatewayConfig(Map<String, String> projectsByToken, int maxEvents, int maxBytes) {

  public static final int DEFAULT_MAX_EVENTS = 10_000;
  public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

  public GatewayConfig {
    projectsByToken = Map.copyOf(projectsByToken);
    if (maxEvents < 1) {
      throw new IllegalArgumentException("gateway max events must be >= 1: " + maxEvents);
    }
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("gateway max bytes must be >= 1024: " + maxBytes);
    }
  }

  /**
   * Parses {@code project=token[,project=token...]} (the form of {@code --gateway-tokens}).
   *
   * @throws IllegalArgumentException naming the entry (never the token) if one is malformed
   */
  public static Map<String, String> parseTokens(String spec) {
    if (spec == null || spec.isBlank()) {
      return Map.of();
    }
    var tokens = new java.util.HashMap<String, String>();
    String[] entries = spec.split(",");
    for (int i = 0; i < entries.length; i++) {
      String[] parts = entries[i].trim().split("=", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "gateway-tokens entry %d must be project=token (e.g. sweep-7=s3cret)",
                i + 1));
      }
      if (tokens.putIfAbsent(parts[1].trim(), parts[0].trim()) != null) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "gateway-tokens entry %d reuses a token of another entry; give each project its own",
                i + 1));
      }
    }
    return tokens;
  }

  @Override
  public String toString() {
    return "GatewayConfig[projects="
        + projectsByToken.values().stream().sorted().toList()
        + ", maxEvents="
        + maxEvents
        + ", maxBytes="
        + maxBytes
        + "]";
  }
}
