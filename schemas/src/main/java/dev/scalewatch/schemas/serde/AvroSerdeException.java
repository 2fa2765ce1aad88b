package dev.scalewatch.schemas.serde;

import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A value could not be encoded to or decoded from the Confluent wire format.
 *
 * <p>The message names the topic, partition and offset where known, and the reason (bad magic byte,
 * unknown schema id, truncated Avro, incompatible reader, registry refusal). A Kafka consumer wraps
 * it in a {@code RecordDeserializationException} that carries the partition and offset.
 */
public class AvroSerdeException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final Integer partition;
  private final Long offset;
  private final String reason;

  AvroSerdeException(
      String action, String topic, Integer partition, Long offset, String reason, Throwable cause) {
    super(
        String.format(
            Locale.ROOT, "cannot %s %s: %s", action, where(topic, partition, offset), reason),
        cause);
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.reason = reason;
  }

  static AvroSerdeException decoding(
      String topic, Integer partition, Long offset, String reason, Throwable cause) {
    return new AvroSerdeException("decode record of", topic, partition, offset, reason, cause);
  }

  static AvroSerdeException encoding(String topic, String reason, Throwable cause) {
    return new AvroSerdeException("encode record for", topic, null, null, reason, cause);
  }

  private static String where(String topic, Integer partition, Long offset) {
    StringBuilder text = new StringBuilder("topic '").append(topic).append('\'');
    if (partition != null) {
      text.append(" partition ").append(partition);
    }
    if (offset != null) {
      text.append(" offset ").append(offset);
    }
    return text.toString();
  }

  /** Returns the topic, or null if unknown. */
  public String topic() {
    return topic;
  }

  /** Returns the partition, or null if unknown (plain Kafka deserializers do not see it). */
  public Integer partition() {
    return partition;
  }

  /** Returns the offset, or null if unknown (plain Kafka deserializers do not see it). */
  public Long offset() {
    return offset;
  }

  /** Returns the reason alone, without the location. */
  public String reason() {
    return reason;
  }
}
