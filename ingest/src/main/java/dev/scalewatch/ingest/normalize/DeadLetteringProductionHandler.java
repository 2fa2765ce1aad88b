package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The normalizer's last line of defence: a record it produced that the producer or the broker
 * refuses for good (too large for {@code max.request.size} or the broker's {@code
 * message.max.bytes}, a timestamp the broker will not take, an invalid record) becomes a {@link
 * DeadLetter} on {@link Topics#DEAD_LETTERS} with the reason and the source position, and
 * processing goes on (the record is skipped; Kafka Streams counts it in its {@code
 * dropped-records-total} task metric, see {@link Normalizer#droppedRecords()}). Without it, one
 * such record stopped the app for good: it failed again at the same offset after every restart.
 *
 * <p>Validation ({@link dev.scalewatch.ingest.validate.EventValidator}) keeps such records out in
 * the first place; this handler covers what still slips through (e.g. a lowered producer or broker
 * limit). Retriable failures (timeouts, a leader moving) are retried by Kafka Streams, not
 * dead-lettered; a failed dead letter is only logged. The dead letter carries no original bytes
 * (they are what could not be written): its reason says where the source record is. The source
 * position is the record being processed when the failure was reported, exact for failures the
 * producer detects at send (record too large for {@code max.request.size}).
 *
 * <p>Configured by Kafka Streams through {@link #REGISTRY_URL_CONFIG} (the dead letters are Avro in
 * the Confluent wire format); the registry client is created on the first failure. Kafka Streams
 * creates one instance per stream thread and calls it from that thread.
 */
public final class DeadLetteringProductionHandler implements ProductionExceptionHandler {

  /** Streams property naming the schema registry URL the dead letters are registered with. */
  public static final String REGISTRY_URL_CONFIG = "scalewatch.normalizer.registry.url";

  private static final Logger log = LoggerFactory.getLogger(DeadLetteringProductionHandler.class);

  private String registryUrl;
  private AvroKafkaSerializer<DeadLetter> serializer;

  /** Created by Kafka Streams. */
  public DeadLetteringProductionHandler() {}

  @Override
  public void configure(Map<String, ?> configs) {
    Object url = configs.get(REGISTRY_URL_CONFIG);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(
          REGISTRY_URL_CONFIG + " must be set for " + getClass().getSimpleName());
    }
    registryUrl = url.toString();
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return Response.retry();
    }
    String reason = reason(context, record, exception);
    if (Topics.DEAD_LETTERS.equals(record.topic())) {
      log.error("Dead letter dropped: {}", reason);
      return Response.resume();
    }
    log.error("Record skipped, dead letter written: {}", reason);
    return Response.resume(List.of(deadLetter(context, record.topic(), record.key(), reason)));
  }

  /**
   * Dead-letters an output {@link SizeLimitedSerializer} refused as too large (the producer never
   * saw it, so the transaction stays healthy); any other serialization failure (e.g. the registry
   * unreachable) fails the app as before, so that the record is retried after a restart.
   */
  @Override
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    if (!(exception instanceof SizeLimitedSerializer.OutputTooLargeException)) {
      return Response.fail();
    }
    String reason =
        String.format(
            Locale.ROOT,
            "output to %s could not be written: %s; skipped so that the pipeline goes on (%s)",
            record.topic(),
            exception.getMessage(),
            source(context));
    if (Topics.DEAD_LETTERS.equals(record.topic())) {
      log.error("Dead letter dropped: {}", reason);
      return Response.resume();
    }
    log.error("Record skipped, dead letter written: {}", reason);
    byte[] key = record.key() instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : null;
    return Response.resume(List.of(deadLetter(context, record.topic(), key, reason)));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ErrorHandlerContext context, String topic, byte[] key, String reason) {
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setReason(reason)
            .setSourceTopic(context.topic() == null ? topic : context.topic())
            .setPartition(context.topic() == null ? -1 : context.partition())
            .setOffset(context.topic() == null ? -1L : context.offset())
            .setKey(key == null ? null : ByteBuffer.wrap(key))
            .setValue(null)
            .setFailedAt(Instant.now())
            .build();
    byte[] value = serializer().serialize(Topics.DEAD_LETTERS, letter);
    return new ProducerRecord<>(Topics.DEAD_LETTERS, null, null, key, value, new RecordHeaders());
  }

  private static String source(ErrorHandlerContext context) {
    return context.topic() == null
        ? "source record unknown"
        : String.format(
            Locale.ROOT,
            "source: %s partition %d offset %d",
            context.topic(),
            context.partition(),
            context.offset());
  }

  private AvroKafkaSerializer<DeadLetter> serializer() {
    if (serializer == null) {
      serializer = new AvroKafkaSerializer<>(SchemaRegistryClients.forUrl(registryUrl));
    }
    return serializer;
  }

  static String reason(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    long bytes =
        (record.key() == null ? 0L : record.key().length)
            + (record.value() == null ? 0L : record.value().length);
    String source = source(context);
    return String.format(
        Locale.ROOT,
        "output to %s of %d bytes could not be written: %s: %s; skipped so that the pipeline goes"
            + " on (%s)",
        record.topic(),
        bytes,
        exception.getClass().getSimpleName(),
        exception.getMessage(),
        source);
  }
}
