package dev.scalewatch.ingest.client;

import dev.scalewatch.ingest.validate.EventValidator;
import dev.scalewatch.ingest.validate.Violation;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run publishing to ScaleWatch from the JVM, in the shape of the Python SDK:
 *
 * <pre>{@code
 * try (TrainingRun run = TrainingRun.init(RunOptions.builder("sweep-7").params(410_000_000L).build())) {
 *   run.log(Map.of("train/loss", 2.31, "lr", 3e-4), 1000, 2.1e9);
 *   run.logEval("arith_2digit_add", "accuracy", 0.42, 1000, 0.01);
 *   run.finish(RunStatus.FINISHED);
 * }
 * }</pre>
 *
 * <p>Non-blocking: events go to Kafka's producer, which batches them on its own I/O thread.
 * Transport trouble (broker down past the delivery timeout) is logged and counted in {@link
 * #failedEvents()}, never thrown into the training loop; unlike the Python SDK there is no disk
 * spool. Programming errors (a negative step, a blank metric name) throw {@link
 * IllegalArgumentException} at once. {@link #close()} flushes and finishes the run as FINISHED if
 * {@link #finish} was not called. Thread-safe.
 */
public final class TrainingRun implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

  private final RunOptions options;
  private final SchemaRegistryClient registry;
  private final RawEventProducer producer;
  private final EventValidator validator = new EventValidator();
  private final AtomicLong failed = new AtomicLong();
  private final Instant startedAt = Instant.now();
  private volatile boolean finished;

  private TrainingRun(RunOptions options) {
    this.options = options;
    this.registry = SchemaRegistryClients.forUrl(options.registryUrl());
    this.producer =
        new RawEventProducer(
            options.bootstrapServers(),
            registry,
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"));
  }

  /** Starts a run: announces it (status RUNNING) and returns the handle to log with. */
  public static TrainingRun init(RunOptions options) {
    TrainingRun run = new TrainingRun(options);
    run.send(run.runRecord(RunStatus.RUNNING, null));
    return run;
  }

  public String runId() {
    return options.runId();
  }

  /**
   * Logs one value per metric at a step; NaN and infinities are data (the divergence signal).
   *
   * @param tokens training tokens seen so far, or null
   * @throws IllegalArgumentException for a negative step, a blank or overlong metric name
   */
  public void log(Map<String, ? extends Number> metrics, long step, Double tokens) {
    Instant now = Instant.now();
    for (Map.Entry<String, ? extends Number> metric : metrics.entrySet()) {
      String name = metric.getKey();
      send(
          MetricPoint.newBuilder()
              .setProject(options.project())
              .setRunId(options.runId())
              .setStep(step)
              .setTokensSeen(tokens == null ? null : Math.round(tokens))
              .setEventTime(now)
              .setMetric(name)
              .setSplit(splitOf(name))
              .setValue(metric.getValue().doubleValue())
              .build());
    }
  }

  /**
   * Logs a downstream eval result of the checkpoint at {@code step}; {@code stderr} may be null.
   */
  public void logEval(String task, String metric, double value, long step, Double stderr) {
    send(
        EvalResult.newBuilder()
            .setProject(options.project())
            .setRunId(options.runId())
            .setStep(step)
            .setTask(task)
            .setMetric(metric)
            .setValue(value)
            .setStderr(stderr)
            .setEventTime(Instant.now())
            .build());
  }

  /** Marks the run ended with {@code status} (FINISHED, FAILED or KILLED) and flushes. */
  public void finish(RunStatus status) {
    finished = true;
    send(runRecord(status, Instant.now()));
    producer.flush();
  }

  /** Events the broker did not take (logged when they failed). */
  public long failedEvents() {
    return failed.get();
  }

  @Override
  public void close() {
    if (!finished) {
      finish(RunStatus.FINISHED);
    }
    producer.close();
    registry.close();
  }

  private Run runRecord(RunStatus status, Instant endedAt) {
    return Run.newBuilder()
        .setProject(options.project())
        .setRunId(options.runId())
        .setParameters(options.parameters())
        .setPlannedTokens(options.tokensPlanned())
        .setHyperparameters(Map.copyOf(options.config()))
        .setTags(Map.copyOf(options.tags()))
        .setStatus(status)
        .setStartedAt(startedAt)
        .setEndedAt(endedAt)
        .setUpdatedAt(Instant.now())
        .build();
  }

  private void send(SpecificRecord event) {
    List<Violation> violations = validator.validate(event);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid " + event.getSchema().getName() + ": " + violations);
    }
    try {
      producer.send(
          event,
          (metadata, e) -> {
            if (e != null && failed.getAndIncrement() % 1000 == 0) {
              log.warn(
                  "ScaleWatch could not deliver events of run {} ({} so far): {}",
                  options.runId(),
                  failed.get(),
                  e.getMessage());
            }
          });
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      log.warn("ScaleWatch could not send an event of run {}: {}", options.runId(), e.getMessage());
    }
  }

  private static String splitOf(String metric) {
    int slash = metric.indexOf('/');
    String prefix = slash > 0 ? metric.substring(0, slash) : "";
    return switch (prefix) {
      case "val", "valid", "validation" -> "validation";
      case "eval", "test" -> prefix;
      default -> "train";
    };
  }
}
