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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
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
 * spool. Programming errors and whatever the normalizer would dead-letter (a negative step, a blank
 * metric name, a name with a control character, hyperparameters or tags over 256 KiB: the rules of
 * {@link EventValidator}) throw {@link IllegalArgumentException} at the call, worded as the dead
 * letter would be ({@code invalid Run: hyperparameters must take at most 262144 bytes ...}), and
 * nothing of that call is sent. {@link #close()} flushes and finishes the run as FINISHED if {@link
 * #finish} was not called. Thread-safe.
 */
public final class TrainingRun implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

  private final RunOptions options;
  private final SchemaRegistryClient registry;
  private final RawEventProducer producer;
  private static final EventValidator VALIDATOR = new EventValidator();
  private final AtomicLong failed = new AtomicLong();
  private final Instant startedAt;
  private volatile boolean finished;

  private TrainingRun(
      RunOptions options, Instant startedAt, Map<String, Object> producerOverrides) {
    this.options = options;
    this.startedAt = startedAt;
    Map<String, Object> producerConfig =
        new HashMap<>(
            Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"));
    producerConfig.putAll(producerOverrides);
    this.registry = SchemaRegistryClients.forUrl(options.registryUrl());
    this.producer = new RawEventProducer(options.bootstrapServers(), registry, producerConfig);
  }

  /**
   * Starts a run: announces it (status RUNNING) and returns the handle to log with.
   *
   * @throws IllegalArgumentException if the run's record breaks a rule of the contract (e.g.
   *     hyperparameters over 256 KiB, a name with a control character), before any connection
   */
  public static TrainingRun init(RunOptions options) {
    return init(options, Map.of());
  }

  /** {@link #init(RunOptions)} with extra Kafka producer settings (tests: a short max.block.ms). */
  static TrainingRun init(RunOptions options, Map<String, Object> producerOverrides) {
    Instant startedAt = Instant.now();
    Run announced = runRecord(options, startedAt, RunStatus.RUNNING, null);
    check(announced);
    TrainingRun run = new TrainingRun(options, startedAt, producerOverrides);
    run.send(announced);
    return run;
  }

  public String runId() {
    return options.runId();
  }

  /**
   * Logs one value per metric at a step; NaN and infinities are data (the divergence signal).
   *
   * @param tokens training tokens seen so far, or null
   * @throws IllegalArgumentException for a negative step, a blank or overlong metric name, a name
   *     with a control character; nothing of the call is sent then
   */
  public void log(Map<String, ? extends Number> metrics, long step, Double tokens) {
    Instant now = Instant.now();
    List<MetricPoint> points = new ArrayList<>(metrics.size());
    for (Map.Entry<String, ? extends Number> metric : metrics.entrySet()) {
      String name = metric.getKey();
      points.add(
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
    points.forEach(TrainingRun::check);
    points.forEach(this::send);
  }

  /**
   * Logs a downstream eval result of the checkpoint at {@code step}; {@code stderr} may be null.
   *
   * @throws IllegalArgumentException if the result breaks a rule of the contract (e.g. a task name
   *     with a control character, a negative stderr); nothing is sent then
   */
  public void logEval(String task, String metric, double value, long step, Double stderr) {
    checkAndSend(
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
    checkAndSend(runRecord(options, startedAt, status, Instant.now()));
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

  private static Run runRecord(
      RunOptions options, Instant startedAt, RunStatus status, Instant endedAt) {
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

  /**
   * Throws what the normalizer would write in the dead letter of {@code event}: {@code invalid
   * <type>: <every broken rule, field and abridged value>}.
   */
  private static void check(SpecificRecord event) {
    List<Violation> violations = VALIDATOR.validate(event);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid "
              + event.getSchema().getName()
              + ": "
              + violations.stream().map(Violation::message).collect(Collectors.joining("; ")));
    }
  }

  private void checkAndSend(SpecificRecord event) {
    check(event);
    send(event);
  }

  private void send(SpecificRecord event) {
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
