package dev.scalewatch.sinks.metrics;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The stack's Prometheus endpoint: {@code GET /metrics} in the text exposition format, over one
 * Micrometer registry that the other components register their meters in (with JVM memory and CPU
 * beside them). Thread-safe.
 */
public final class MetricsEndpoint {

  /** The content type of Prometheus' text format 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public MetricsEndpoint() {
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  /** Where components register their meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Adds {@code GET /metrics}. */
  public void addRoutes(Javalin javalin) {
    javalin.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE).result(registry.scrape()));
  }
}
