package dev.scalewatch.jobs.kafka;

import dev.scalewatch.schemas.serde.RegistryAvroRecordDeserializationSchema;
import dev.scalewatch.schemas.serde.RegistryAvroSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka sources and sinks of the stream jobs. Sources read committed records only (the normalizer
 * writes transactionally) from the group's committed offsets, else from the earliest; on a restore
 * the offsets come from the checkpoint. Sinks are exactly-once: records are written in a Kafka
 * transaction committed at each checkpoint, so a crash neither loses nor duplicates them for a
 * read_committed reader, and they become visible one checkpoint interval late at most.
 */
public final class KafkaIo {

  /**
   * Transaction timeout of the sinks: below the broker's {@code transaction.max.timeout.ms} (15
   * minutes by default; Flink's own default of one hour would be refused).
   */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private KafkaIo() {}

  /** A source of one topic's Avro values. */
  public static <T extends SpecificRecordBase> KafkaSource<T> source(
      String bootstrapServers, String registryUrl, String topic, Class<T> type, String groupId) {
    return KafkaSource.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setProperty("isolation.level", "read_committed")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setDeserializer(
            RegistryAvroRecordDeserializationSchema.specific(type, registryUrl)
                .skippingBadRecords())
        .build();
  }

  /** Event time from a record field, bounded out-of-orderness, idle partitions ignored. */
  public static <T> WatermarkStrategy<T> eventTime(
      Duration maxOutOfOrderness, SerializableTimestampAssigner<T> timestamp) {
    return WatermarkStrategy.<T>forBoundedOutOfOrderness(maxOutOfOrderness)
        .withTimestampAssigner(timestamp)
        .withIdleness(Duration.ofSeconds(30));
  }

  /**
   * For a side input of metadata (run records) joined with an event-time stream: its watermark is
   * always the end of time, so the joined operator's watermark is the event-time stream's alone.
   * Without watermarks the side input would hold the joined watermark at its minimum, and no point
   * would ever count as late.
   */
  public static <T> WatermarkStrategy<T> neverHoldsBack() {
    return WatermarkStrategy.<T>forGenerator(ctx -> new EndOfTime<>());
  }

  /** Emits the end-of-time watermark at every periodic emit; events carry no event time here. */
  private static final class EndOfTime<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.emitWatermark(new Watermark(Long.MAX_VALUE));
    }
  }

  /** An exactly-once sink of Avro values keyed by {@code key}. */
  public static <T> KafkaSink<T> sink(
      String bootstrapServers,
      String registryUrl,
      String topic,
      String transactionalIdPrefix,
      KeyFunction<T> key) {
    Properties producer = new Properties();
    producer.setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()));
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrapServers)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .setKafkaProducerConfig(producer)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(key)
                .setValueSerializationSchema(
                    RegistryAvroSerializationSchema.<T>forValues(registryUrl, topic))
                .build())
        .build();
  }

  /** The record key of an output value, as UTF-8. */
  @FunctionalInterface
  public interface KeyFunction<T> extends SerializationSchema<T> {
    String keyOf(T value);

    @Override
    default byte[] serialize(T value) {
      return keyOf(value).getBytes(StandardCharsets.UTF_8);
    }
  }
}
