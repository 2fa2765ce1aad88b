package dev.scalewatch.ingest.normalize;

import dev.scalewatch.ingest.validate.EventValidator;
import dev.scalewatch.ingest.validate.Violation;
import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunKey;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The normalizer's one stateful operator: decodes a raw record, validates it, drops retried
 * duplicates, registers unknown runs, enriches points and evals with run metadata, and forwards
 * each event to its sink ({@link NormalizerTopology#RUNS_SINK}, {@link
 * NormalizerTopology#METRICS_SINK}, {@link NormalizerTopology#EVALS_SINK}) with the event time as
 * record timestamp: points and evals keyed by run id, runs by {@link RunKey} (project + run id).
 *
 * <p>Failure behaviour: a record that cannot become a valid event (see {@link Rejected}) goes to
 * {@link NormalizerTopology#DEAD_LETTERS_SINK} with the reason, the original key and value bytes
 * (unless together larger than {@link #MAX_ORIGINAL_BYTES}) and its topic, partition and offset;
 * processing continues. Transient failures (registry unreachable, store errors) propagate and fail
 * the task, so the record is retried after the restart. Not thread-safe: Kafka Streams creates one
 * per task and calls it from one thread.
 */
final class NormalizeProcessor implements Processor<byte[], byte[], Object, Object> {

  /**
   * Most original key plus value bytes a dead letter carries: the producer's default request limit
   * (1 MiB) less room for the reason and the other fields. Larger originals are left out (the dead
   * letter says where to read them), so that one huge record cannot stop the app.
   */
  static final int MAX_ORIGINAL_BYTES = 1_040_000;

  private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);

  private final RawEventDecoder decoder;
  private final int maxOriginalBytes;
  private final EventValidator validator = new EventValidator();
  private ProcessorContext<Object, Object> context;
  private Deduplicator deduplicator;
  private RunDirectory runs;

  /**
   * Creates a processor decoding through the registry; its stores are attached in {@link #init}.
   */
  NormalizeProcessor(SchemaRegistryClient registry) {
    this(registry, Integer.MAX_VALUE);
  }

  /**
   * As {@link #NormalizeProcessor(SchemaRegistryClient)}, for outputs of at most {@code
   * maxOutputBytes}: dead letters carry the original bytes only up to {@link #MAX_ORIGINAL_BYTES}
   * or that limit less 4 KiB for the reason, whichever is smaller.
   */
  NormalizeProcessor(SchemaRegistryClient registry, int maxOutputBytes) {
    this.decoder = new RawEventDecoder(registry);
    this.maxOriginalBytes = Math.max(0, Math.min(MAX_ORIGINAL_BYTES, maxOutputBytes - 4096));
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.deduplicator = new Deduplicator(context.getStateStore(NormalizerTopology.DEDUP_STORE));
    this.runs = new RunDirectory(context.getStateStore(NormalizerTopology.RUN_STORE));
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    try {
      String key = requireKey(record);
      RawEvent raw =
          decoder.decode(source.topic(), source.partition(), source.offset(), record.value());
      Object event = raw.getEvent();
      if (event instanceof MetricPoint point) {
        handle(key, point);
      } else if (event instanceof EvalResult eval) {
        handle(key, eval);
      } else if (event instanceof Run run) {
        handle(key, run);
      } else {
        throw new Rejected("RawEvent carries no known event type: " + event);
      }
    } catch (Rejected e) {
      deadLetter(record, source, e.reason());
    }
  }

  private void handle(String key, MetricPoint point) throws Rejected {
    check("MetricPoint", validator.validate(point));
    checkKey(key, point.getRunId());
    if (deduplicator.isRepeat(point)) {
      return;
    }
    Run run = knownOrRegistered(point.getProject(), point.getRunId(), point.getEventTime());
    Enrichment.enrich(point, run);
    forward(
        NormalizerTopology.METRICS_SINK,
        key,
        point,
        point.getEventTime(),
        !Double.isFinite(point.getValue()));
  }

  private void handle(String key, EvalResult eval) throws Rejected {
    check("EvalResult", validator.validate(eval));
    checkKey(key, eval.getRunId());
    if (deduplicator.isRepeat(eval)) {
      return;
    }
    Run run = knownOrRegistered(eval.getProject(), eval.getRunId(), eval.getEventTime());
    Enrichment.enrich(eval, run);
    forward(
        NormalizerTopology.EVALS_SINK,
        key,
        eval,
        eval.getEventTime(),
        !Double.isFinite(eval.getValue()));
  }

  private void handle(String key, Run run) throws Rejected {
    check("Run", validator.validate(run));
    checkKey(key, run.getRunId());
    try {
      runs.put(run);
    } catch (RuntimeException e) {
      SizeLimitedSerializer.OutputTooLargeException tooLarge = tooLarge(e);
      if (tooLarge == null) {
        throw e;
      }
      throw new Rejected("Run cannot be stored: " + tooLarge.getMessage());
    }
    forward(
        NormalizerTopology.RUNS_SINK,
        RunKey.of(run.getProject(), run.getRunId()),
        run,
        run.getUpdatedAt(),
        false);
  }

  private Run knownOrRegistered(String project, String runId, Instant eventTime) {
    Run run = runs.find(project, runId);
    if (run == null) {
      run = runs.register(project, runId, eventTime);
      forward(NormalizerTopology.RUNS_SINK, RunKey.of(project, runId), run, eventTime, false);
    }
    return run;
  }

  private void forward(
      String sink, String key, Object value, Instant eventTime, boolean nonFinite) {
    Headers headers = new RecordHeaders();
    if (nonFinite) {
      headers.add(NormalizerTopology.NON_FINITE_HEADER, TRUE);
    }
    context.forward(new Record<>(key, value, eventTime.toEpochMilli(), headers), sink);
  }

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason) {
    byte[] key = record.key();
    byte[] value = record.value();
    long size = (key == null ? 0L : key.length) + (value == null ? 0L : value.length);
    if (size > maxOriginalBytes) {
      reason =
          String.format(
              Locale.ROOT,
              "%s; original key and value (%d bytes) left out of this dead letter "
                  + "(limit %d, the producer's request limit): read them at %s partition %d offset %d",
              reason,
              size,
              maxOriginalBytes,
              source.topic(),
              source.partition(),
              source.offset());
      key = null;
      value = null;
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setReason(reason)
            .setSourceTopic(source.topic())
            .setPartition(source.partition())
            .setOffset(source.offset())
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(value == null ? null : ByteBuffer.wrap(value))
            .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
            .build();
    context.forward(
        new Record<>(key, letter, record.timestamp(), new RecordHeaders()),
        NormalizerTopology.DEAD_LETTERS_SINK);
  }

  /** The size refusal in a store failure's cause chain, or null if it is another failure. */
  private static SizeLimitedSerializer.OutputTooLargeException tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SizeLimitedSerializer.OutputTooLargeException tooLarge) {
        return tooLarge;
      }
    }
    return null;
  }

  private static String requireKey(Record<byte[], byte[]> record) throws Rejected {
    if (record.value() == null) {
      throw new Rejected(
          "value is null (a tombstone): raw events cannot be deleted, send a Run, "
              + "MetricPoint or EvalResult");
    }
    if (record.key() == null) {
      throw new Rejected("key is missing: raw events are keyed by their run_id");
    }
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static void check(String type, List<Violation> violations) throws Rejected {
    if (!violations.isEmpty()) {
      throw new Rejected(
          "invalid "
              + type
              + ": "
              + violations.stream().map(Violation::message).collect(Collectors.joining("; ")));
    }
  }

  private static void checkKey(String key, String runId) throws Rejected {
    if (!key.equals(runId)) {
      throw new Rejected(
          String.format(
              Locale.ROOT,
              "key '%s' does not match run_id '%s': raw events are keyed by their run_id",
              abbreviate(key),
              runId));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "... (" + text.length() + " chars)";
  }
}
