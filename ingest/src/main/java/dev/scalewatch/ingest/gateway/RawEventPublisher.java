package dev.scalewatch.ingest.gateway;

import dev.scalewatch.schemas.RawEvent;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces accepted events to the raw topic as {@link RawEvent}s keyed by run id, and waits until
 * the broker has acknowledged every one, so that a 200 from the gateway means durable.
 *
 * <p>Thread-safe (the Kafka producer is).
 */
final class RawEventPublisher implements AutoCloseable {

  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaProducer<String, byte[]> producer;
  private final AvroEncoder encoder;

  RawEventPublisher(String bootstrapServers, SchemaRegistryClient registry) {
    this.encoder = new AvroEncoder(registry, true);
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ACK_TIMEOUT.toMillis(),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() / 2,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis()),
        new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends every event and waits for the acknowledgements.
   *
   * @throws PublishException if the broker did not acknowledge them all in time
   */
  void publish(List<Keyed> events) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    try {
      for (Keyed event : events) {
        byte[] value = encoder.encode(Topics.RAW, false, new RawEvent(event.event()));
        acks.add(producer.send(new ProducerRecord<>(Topics.RAW, null, event.timestamp(), event.runId(), value)));
      }
      long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw new PublishException(e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      throw new PublishException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException(e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** One event with its key and event time, ready for the raw topic. */
  record Keyed(String runId, long timestamp, Object event) {}

  /** The broker (or registry) could not take the batch; the client should retry later. */
  static final class PublishException extends RuntimeException {
    PublishException(Throwable cause) {
      super(cause == null ? "unknown" : cause.getMessage(), cause);
    }
  }
}
