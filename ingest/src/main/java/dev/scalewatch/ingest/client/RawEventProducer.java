package dev.scalewatch.ingest.client;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces runs, metric points and eval results to the raw topic as {@link RawEvent}s, keyed by run
 * id, with the event's own time as the record timestamp. Used by the gateway, {@code replay} and
 * the JVM client.
 *
 * <p>Idempotent producer with {@code acks=all}. Thread-safe (the Kafka producer is).
 */
public final class RawEventProducer implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final AvroEncoder encoder;

  /**
   * A producer for {@code bootstrapServers}; {@code overrides} are extra Kafka producer settings.
   */
  public RawEventProducer(
      String bootstrapServers, SchemaRegistryClient registry, Map<String, Object> overrides) {
    this.encoder = new AvroEncoder(registry, true);
    Map<String, Object> config =
        new HashMap<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5));
    config.putAll(overrides);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends one event asynchronously; {@code callback} (may be null) hears of the outcome.
   *
   * @throws IllegalArgumentException if the event is not a Run, MetricPoint or EvalResult
   * @throws org.apache.kafka.common.KafkaException if the producer cannot take it (closed, or
   *     metadata unavailable within max.block.ms)
   */
  public Future<RecordMetadata> send(SpecificRecord event, Callback callback) {
    byte[] value = encoder.encode(Topics.RAW, false, new RawEvent(event));
    return producer.send(
        new ProducerRecord<>(Topics.RAW, null, timestampOf(event), runIdOf(event), value),
        callback);
  }

  /**
   * Sends every event and waits until the broker acknowledged all of them (or the timeout passed).
   *
   * @throws PublishException naming the events not acknowledged within {@code timeout}
   */
  public void sendAllAndWait(List<? extends SpecificRecord> events, Duration timeout) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    List<Integer> unacknowledged = new ArrayList<>();
    Throwable firstFailure = null;
    for (int i = 0; i < events.size(); i++) {
      try {
        acks.add(send(events.get(i), null));
      } catch (RuntimeException e) {
        acks.add(null);
        unacknowledged.add(i);
        firstFailure = firstFailure == null ? e : firstFailure;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < acks.size(); i++) {
      if (acks.get(i) == null) {
        continue;
      }
      try {
        acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        unacknowledged.add(i);
        firstFailure = firstFailure == null ? e.getCause() : firstFailure;
      } catch (TimeoutException e) {
        unacknowledged.add(i);
        firstFailure =
            firstFailure == null
                ? new TimeoutException("no acknowledgement within " + timeout.toSeconds() + " s")
                : firstFailure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        for (int rest = i; rest < acks.size(); rest++) {
          unacknowledged.add(rest);
        }
        throw new PublishException(e, unacknowledged);
      }
    }
    if (!unacknowledged.isEmpty()) {
      unacknowledged.sort(null);
      throw new PublishException(firstFailure, unacknowledged);
    }
  }

  /** Blocks until every event sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  /** The run id of a Run, MetricPoint or EvalResult: the record key. */
  public static String runIdOf(SpecificRecord event) {
    if (event instanceof Run run) {
      return run.getRunId();
    }
    if (event instanceof MetricPoint point) {
      return point.getRunId();
    }
    if (event instanceof EvalResult eval) {
      return eval.getRunId();
    }
    throw new IllegalArgumentException(
        "not a raw event (Run, MetricPoint or EvalResult): " + event.getSchema().getFullName());
  }

  private static long timestampOf(SpecificRecord event) {
    if (event instanceof Run run) {
      return run.getUpdatedAt().toEpochMilli();
    }
    if (event instanceof MetricPoint point) {
      return point.getEventTime().toEpochMilli();
    }
    return ((EvalResult) event).getEventTime().toEpochMilli();
  }

  /**
   * The broker (or registry) did not take some of the events; the caller should retry those later.
   * The others were acknowledged.
   */
  public static final class PublishException extends RuntimeException {
    private final List<Integer> unacknowledged;

    PublishException(Throwable cause, List<Integer> unacknowledged) {
      super(cause == null ? "unknown" : cause.getMessage(), cause);
      this.unacknowledged = List.copyOf(unacknowledged);
    }

    /** Positions (in the list given to sendAllAndWait) of the events not acknowledged. */
    public List<Integer> unacknowledged() {
      return unacknowledged;
    }
  }
}
