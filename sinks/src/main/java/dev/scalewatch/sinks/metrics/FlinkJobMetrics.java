package dev.scalewatch.sinks.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters the stream jobs keep as Flink metrics and write to no topic, read from Flink's REST API
 * (the same in the MiniCluster and on a cluster): {@code latePoints} (points older than the
 * watermark: used all the same) and {@code refits} (the sweep fitter's refits, published or not),
 * summed over each running job's operators and subtasks, as {@code scalewatch_late_points_total}
 * and {@code scalewatch_refits_total} by job; a job's counter appears once Flink lists it for the
 * job (the run monitor has no {@code refits}). Flink's counters start again from 0 when a job
 * restarts, which Prometheus' {@code rate} reads as a counter reset.
 *
 * <p>Polled every {@value #POLL_SECONDS} s on a thread of its own; a failed poll is logged at debug
 * and the last values kept. Thread-safe.
 */
public final class FlinkJobMetrics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FlinkJobMetrics.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long POLL_SECONDS = 5;
  private static final Map<String, String> EXPORTED =
      Map.of(
          "latePoints", "scalewatch_late_points",
          "refits", "scalewatch_refits");

  private final String restAddress;
  private final MeterRegistry meters;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Double> values = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;

  private FlinkJobMetrics(String restAddress, MeterRegistry meters) {
    this.restAddress = restAddress.replaceAll("/+$", "");
    this.meters = meters;
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "scalewatch-flink-metrics");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts polling Flink's REST endpoint; each job's counters are registered when first seen. */
  public static FlinkJobMetrics start(String restAddress, MeterRegistry meters) {
    FlinkJobMetrics metrics = new FlinkJobMetrics(restAddress, meters);
    metrics.poller.scheduleWithFixedDelay(metrics::poll, 0, POLL_SECONDS, TimeUnit.SECONDS);
    return metrics;
  }

  private void register(String job, String flinkName) {
    String key = job + "/" + flinkName;
    if (values.putIfAbsent(key, 0.0) == null) {
      FunctionCounter.builder(EXPORTED.get(flinkName), values, v -> v.getOrDefault(key, 0.0))
          .description("Flink metric " + flinkName + " of the job, summed over its operators")
          .tag("job", job)
          .register(meters);
    }
  }

  /** Reads the counters of every running job once. */
  void poll() {
    try {
      for (JsonNode job : get("/jobs/overview").path("jobs")) {
        if ("RUNNING".equals(job.path("state").asText())) {
          pollJob(job.path("jid").asText(), job.path("name").asText());
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Could not read Flink metrics from {}", restAddress, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pollJob(String id, String name) throws IOException, InterruptedException {
    Map<String, Double> sums = new HashMap<>();
    for (JsonNode vertex : get("/jobs/" + id).path("vertices")) {
      String base = "/jobs/" + id + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
      String wanted =
          StreamSupport.stream(get(base).spliterator(), false)
              .map(metric -> metric.path("id").asText())
              .filter(metricId -> EXPORTED.containsKey(flinkName(metricId)))
              .collect(Collectors.joining(","));
      if (wanted.isEmpty()) {
        continue;
      }
      for (JsonNode metric :
          get(base + "?agg=sum&get=" + URLEncoder.encode(wanted, StandardCharsets.UTF_8))) {
        sums.merge(
            flinkName(metric.path("id").asText()), metric.path("sum").asDouble(), Double::sum);
      }
    }
    sums.forEach(
        (flinkName, sum) -> {
          register(name, flinkName);
          values.put(name + "/" + flinkName, sum);
        });
  }

  /** The metric's own name: operator metrics are listed as {@code <operator>.<name>}. */
  private static String flinkName(String metricId) {
    return metricId.substring(metricId.lastIndexOf('.') + 1);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(restAddress + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("Flink REST " + path + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
