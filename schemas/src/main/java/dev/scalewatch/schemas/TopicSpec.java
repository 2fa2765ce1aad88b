package dev.scalewatch.schemas;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * One ScaleWatch topic: its name, the Avro class its values carry and whether it is compacted. Keys
 * are plain UTF-8 strings (the run id, fit key or alert id), written with Kafka's {@code
 * StringSerializer}; values use the Confluent wire format under the subject {@link
 * #valueSubject()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the topic name, e.g. {@code scalewatch.metrics}
 * @param valueClass the generated Avro class of the values
 * @param compacted whether the topic uses {@code cleanup.policy=compact} (latest value per key
 *     wins)
 */
public record TopicSpec(
    String name, Class<? extends SpecificRecord> valueClass, boolean compacted) {

  /** Checks that name and class are present. */
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueClass, "valueClass");
  }

  /**
   * Returns the registry subject of this topic's values under the topic-name strategy, {@code
   * <topic>-value}.
   */
  public String valueSubject() {
    return Topics.valueSubject(name);
  }

  /**
   * Returns the registry subject of this topic's keys under the topic-name strategy, {@code
   * <topic>-key}.
   */
  public String keySubject() {
    return Topics.keySubject(name);
  }

  /** Returns the Avro schema of this topic's values (the generated class's schema). */
  public Schema valueSchema() {
    return SpecificData.get().getSchema(valueClass);
  }
}
