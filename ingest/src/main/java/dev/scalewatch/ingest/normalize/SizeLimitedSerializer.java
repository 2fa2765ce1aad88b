package dev.scalewatch.ingest.normalize;

import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes through another serializer and refuses a result larger than the normalizer's producer
 * accepts, with {@link OutputTooLargeException}.
 *
 * <p>Why here: under exactly-once, a record the producer refuses as too large puts the whole
 * transaction into an abortable error, so the app stops (or retries the same record forever). A
 * serialization failure happens before the producer sees the record: Kafka Streams hands it to the
 * production exception handler ({@link DeadLetteringProductionHandler} dead-letters it) and the
 * transaction stays healthy. Thread-safe if the wrapped serializer is.
 */
final class SizeLimitedSerializer<T> implements Serializer<T> {

  private final Serializer<T> inner;
  private final int maxBytes;

  SizeLimitedSerializer(Serializer<T> inner, int maxBytes) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.maxBytes = maxBytes;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return check(topic, inner.serialize(topic, data));
  }

  @Override
  public byte[] serialize(String topic, Headers headers, T data) {
    return check(topic, inner.serialize(topic, headers, data));
  }

  private byte[] check(String topic, byte[] bytes) {
    if (bytes != null && bytes.length > maxBytes) {
      throw new OutputTooLargeException(topic, bytes.length, maxBytes);
    }
    return bytes;
  }

  @Override
  public void close() {
    inner.close();
  }

  /** A serialized output larger than the normalizer can write. */
  static final class OutputTooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    OutputTooLargeException(String topic, int bytes, int maxBytes) {
      super(
          String.format(
              Locale.ROOT,
              "a record of %d bytes for %s is larger than the normalizer can write (%d bytes:"
                  + " the producer's max.request.size less room for key and headers)",
              bytes,
              topic,
              maxBytes));
    }
  }
}
