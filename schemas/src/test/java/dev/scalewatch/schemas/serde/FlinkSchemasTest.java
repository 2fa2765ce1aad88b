package dev.scalewatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.formats.avro.typeutils.GenericRecordAvroTypeInfo;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlinkSchemasTest {

  private static final String SCOPE = "flink-schemas-test";
  private static final String URL = "mock://" + SCOPE;

  @AfterEach
  void dropScope() {
    SchemaRegistryClients.dropMockScope(SCOPE);
  }

  @Test
  void shouldRoundTripThroughSerializationAndDeserializationSchemasAfterJavaSerialization()
      throws Exception {
    var serializer =
        InstantiationUtil.clone(
            RegistryAvroSerializationSchema.<MetricPoint>forValues(URL, Topics.METRICS));
    var deserializer =
        InstantiationUtil.clone(
            RegistryAvroDeserializationSchema.specific(MetricPoint.class, URL, Topics.METRICS));
    MetricPoint point = Samples.metric(12, Double.POSITIVE_INFINITY);

    MetricPoint back = deserializer.deserialize(serializer.serialize(point));

    assertThat(back).isEqualTo(point);
    assertThat(deserializer.getProducedType()).isEqualTo(new AvroTypeInfo<>(MetricPoint.class));
  }

  @Test
  void shouldDecodeGenericRecordsOfAReaderSchemaWithAnAvroTypeInfo() throws Exception {
    byte[] bytes =
        RegistryAvroSerializationSchema.<MetricPoint>forValues(URL, Topics.METRICS)
            .serialize(Samples.metric(5, 0.25));
    var deserializer =
        InstantiationUtil.clone(
            RegistryAvroDeserializationSchema.generic(
                MetricPoint.getClassSchema(), URL, Topics.METRICS));

    GenericRecord record = deserializer.deserialize(bytes);

    assertThat(record.get("value")).isEqualTo(0.25);
    assertThat(deserializer.getProducedType()).isInstanceOf(GenericRecordAvroTypeInfo.class);
  }

  @Test
  void shouldEmitTheDecodedValueOfAConsumerRecord() throws IOException {
    MetricPoint point = Samples.metric(1, 3.0);
    byte[] bytes =
        RegistryAvroSerializationSchema.<MetricPoint>forValues(URL, Topics.METRICS)
            .serialize(point);
    List<MetricPoint> out = new ArrayList<>();

    RegistryAvroRecordDeserializationSchema.specific(MetricPoint.class, URL)
        .deserialize(
            new ConsumerRecord<>(Topics.METRICS, 0, 0L, null, bytes), new ListCollector<>(out));

    assertThat(out).containsExactly(point);
  }

  @Test
  void shouldNameTopicPartitionAndOffsetOfABadRecord() {
    var schema = RegistryAvroRecordDeserializationSchema.specific(MetricPoint.class, URL);
    ConsumerRecord<byte[], byte[]> bad =
        new ConsumerRecord<>(Topics.METRICS, 3, 99L, null, new byte[] {0, 0, 0, 0, 42});

    assertThatThrownBy(() -> schema.deserialize(bad, new ListCollector<>(new ArrayList<>())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("topic 'scalewatch.metrics' partition 3 offset 99")
        .hasMessageContaining("unknown schema id 42");
  }

  @Test
  void shouldDropBadRecordsAndTombstonesWhenSkipping() throws IOException {
    var schema =
        RegistryAvroRecordDeserializationSchema.specific(MetricPoint.class, URL)
            .skippingBadRecords();
    List<MetricPoint> out = new ArrayList<>();

    schema.deserialize(
        new ConsumerRecord<>(Topics.METRICS, 0, 1L, null, new byte[] {9}),
        new ListCollector<>(out));
    schema.deserialize(
        new ConsumerRecord<>(Topics.METRICS, 0, 2L, null, null), new ListCollector<>(out));

    assertThat(out).isEmpty();
  }
}
