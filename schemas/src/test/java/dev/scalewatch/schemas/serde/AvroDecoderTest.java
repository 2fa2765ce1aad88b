package dev.scalewatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroDecoderTest {

  private static final String SCOPE = "avro-decoder-test";
  private final SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + SCOPE);
  private final AvroEncoder encoder = new AvroEncoder(registry, true);

  @AfterEach
  void dropScope() {
    SchemaRegistryClients.dropMockScope(SCOPE);
  }

  @Test
  void shouldRoundTripASpecificRecordKeepingNanAndInfinities() {
    AvroDecoder<MetricPoint> decoder = AvroDecoder.specific(registry, MetricPoint.class);
    for (double value :
        new double[] {2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      MetricPoint point = Samples.metric(100, value);

      MetricPoint back =
          decoder.decode(Topics.METRICS, 0, 5L, encoder.encode(Topics.METRICS, false, point));

      Samples.assertSamePoint(back, point);
    }
  }

  @Test
  void shouldFrameWithTheIdRegisteredUnderTheValueSubject() {
    byte[] bytes = encoder.encode(Topics.METRICS, false, Samples.metric(1, 1.0));

    int id = registry.latest(Topics.valueSubject(Topics.METRICS)).id();
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
  }

  @Test
  void shouldDecodeAnyTopicIntoGenericRecordsOfTheWriterSchema() {
    byte[] bytes = encoder.encode(Topics.METRICS, false, Samples.metric(7, 3.25));

    GenericRecord record = AvroDecoder.generic(registry).decode(Topics.METRICS, 0, 9L, bytes);

    assertThat(record.getSchema().getFullName()).isEqualTo(MetricPoint.class.getName());
    assertThat(record.get("step")).isEqualTo(7L);
    assertThat(record.get("value")).isEqualTo(3.25);
    assertThat(record.get("run_id").toString()).isEqualTo("run-17");
  }

  @Test
  void shouldRoundTripAGenericRecord() {
    Schema schema =
        SchemaBuilder.record("Probe")
            .namespace("test")
            .fields()
            .requiredString("name")
            .requiredDouble("value")
            .endRecord();
    GenericRecord probe = new GenericData.Record(schema);
    probe.put("name", "p");
    probe.put("value", Double.NaN);

    GenericRecord back =
        AvroDecoder.generic(registry).decode("probes", encoder.encode("probes", false, probe));

    assertThat(back.get("name").toString()).isEqualTo("p");
    assertThat((Double) back.get("value")).isNaN();
  }

  @Test
  void shouldFillDefaultsWhenReadingDataOfAnOlderWriter() {
    Schema older =
        SchemaBuilder.record("MetricPoint")
            .namespace("dev.scalewatch.schemas")
            .fields()
            .requiredString("project")
            .requiredString("run_id")
            .requiredLong("step")
            .name("event_time")
            .type(Schema.create(Schema.Type.LONG))
            .noDefault()
            .requiredString("metric")
            .requiredDouble("value")
            .endRecord();
    GenericRecord old = new GenericData.Record(older);
    old.put("project", "p");
    old.put("run_id", "r");
    old.put("step", 3L);
    old.put("event_time", 1_000L);
    old.put("metric", "loss");
    old.put("value", 4.0);

    MetricPoint read =
        AvroDecoder.specific(registry, MetricPoint.class)
            .decode("old-metrics", encoder.encode("old-metrics", false, old));

    assertThat(read.getSplit()).isEqualTo("train");
    assertThat(read.getTokensSeen()).isNull();
    assertThat(read.getEventTime().toEpochMilli()).isEqualTo(1_000L);
  }

  @Test
  void shouldKeepNullAsNull() {
    assertThat(encoder.encode(Topics.RUNS, false, null)).isNull();
    assertThat(AvroDecoder.generic(registry).decode(Topics.RUNS, 0, 1L, null)).isNull();
  }

  @Test
  void shouldNameTopicPartitionOffsetAndReasonForAWrongMagicByte() {
    assertThatThrownBy(
            () -> AvroDecoder.generic(registry).decode(Topics.METRICS, 2, 41L, "loss=3".getBytes()))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("topic 'scalewatch.metrics' partition 2 offset 41")
        .hasMessageContaining("unknown magic byte 108");
  }

  @Test
  void shouldNameTheReasonForBytesShorterThanTheHeader() {
    assertThatThrownBy(
            () -> AvroDecoder.generic(registry).decode(Topics.METRICS, 0, 1L, new byte[] {0, 0}))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("partition 0 offset 1")
        .hasMessageContaining("shorter than the 5-byte wire-format header");
  }

  @Test
  void shouldNameAnUnknownSchemaId() {
    byte[] bytes = new byte[] {0, 0, 0, 3, (byte) 0xE7, 2};

    assertThatThrownBy(() -> AvroDecoder.generic(registry).decode(Topics.FITS, 1, 7L, bytes))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("topic 'scalewatch.fits' partition 1 offset 7")
        .hasMessageContaining("unknown schema id 999");
  }

  @Test
  void shouldNameTruncatedAvro() {
    byte[] full = encoder.encode(Topics.METRICS, false, Samples.metric(1, 1.0));
    byte[] truncated = Arrays.copyOf(full, full.length - 4);

    assertThatThrownBy(
            () ->
                AvroDecoder.specific(registry, MetricPoint.class)
                    .decode(Topics.METRICS, 0, 12L, truncated))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("topic 'scalewatch.metrics' partition 0 offset 12")
        .hasMessageContaining("truncated or corrupt Avro payload")
        .satisfies(e -> assertThat(((AvroSerdeException) e).offset()).isEqualTo(12L));
  }

  @Test
  void shouldRefuseToEncodeWhatIsNotAnAvroRecord() {
    assertThatThrownBy(() -> encoder.encode(Topics.METRICS, false, "loss=3"))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("topic 'scalewatch.metrics'")
        .hasMessageContaining("java.lang.String is not an Avro record");
  }

  @Test
  void shouldRefuseAnUnregisteredSchemaWhenAutoRegisterIsOff() {
    AvroEncoder strict = new AvroEncoder(registry, false);

    assertThatThrownBy(() -> strict.encode(Topics.METRICS, false, Samples.metric(1, 1.0)))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("subject 'scalewatch.metrics-value'")
        .hasMessageContaining("auto-register off");
  }
}
