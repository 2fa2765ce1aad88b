package dev.scalewatch.app.serve;

import dev.scalewatch.app.config.StoreSettings;
import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.sinks.route.RoutingConfig;

/**
 * What the serving half of ScaleWatch is given: where it listens, the address users reach it at,
 * and its gateway, store and alert routing. {@code up} derives one from its stack configuration;
 * {@code serve} from its options.
 *
 * @param host the HTTP server's bind address
 * @param httpPort the HTTP server's port (0 picks a free one)
 * @param publicUrl the dashboard's base address as users reach it, used in alert links; empty for
 *     {@code http://<host>:<port>}
 * @param gateway tokens and limits of the HTTP ingest gateway
 * @param store DuckDB under the data directory, or PostgreSQL
 * @param routing alert receivers and the routes from projects to them
 */
public record ServingConfig(
    String host,
    int httpPort,
    String publicUrl,
    GatewayConfig gateway,
    StoreSettings store,
    RoutingConfig routing) {

  public ServingConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must be set, e.g. 0.0.0.0");
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException(
          "http-port must be between 0 and 65535: " + httpPort + " (0 picks a free port)");
    }
    publicUrl = publicUrl == null ? "" : publicUrl.strip().replaceAll("/+$", "");
    if (!publicUrl.isEmpty() && !publicUrl.matches("https?://[^/\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException(
          "public-url must be an http(s) address such as https://scalewatch.example.org: "
              + publicUrl);
    }
    if (gateway == null || store == null || routing == null) {
      throw new IllegalArgumentException("gateway, store and routing must be set");
    }
  }
}
