package dev.scalewatch.app.embedded;

import static dev.scalewatch.app.testing.StackClients.point;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.testing.RunningStack;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.schemas.serde.AvroSerde;
import dev.scalewatch.schemas.serde.RegistryAvroRecordDeserializationSchema;
import dev.scalewatch.schemas.serde.RegistryAvroSerializationSchema;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A schema registered in the embedded registry, Confluent-framed Avro produced to the embedded
 * broker, read back through a Kafka Streams topology and through a Flink job on the stack's
 * MiniCluster; both write their output with the same serdes and the test decodes it.
 */
class ContractRoundTripIT {

  private static final int POINTS = 200;
  private static final String STREAMS_OUT = "it.streams-out";
  private static final String FLINK_OUT = "it.flink-out";
  @RegisterExtension static final RunningStack stack = new RunningStack();
  static SchemaRegistryClient registry;

  @BeforeAll
  static void startAndProduce() throws Exception {
    registry = SchemaRegistryClients.forUrl(stack.registryUrl());
    stack
        .broker()
        .admin()
        .createTopics(
            List.of(new NewTopic(STREAMS_OUT, 2, (short) 1), new NewTopic(FLINK_OUT, 2, (short) 1)))
        .all()
        .get();
    registry.register(Topics.valueSubject(Topics.METRICS), MetricPoint.getClassSchema());
    try (var producer =
        new KafkaProducer<>(
            StackClients.producerConfig(stack.bootstrapServers()),
            null,
            new AvroKafkaSerializer<MetricPoint>(registry))) {
      for (int step = 0; step < POINTS; step++) {
        String run = "run-" + (step % 4);
        double value = step == 13 ? Double.NaN : 4.0 / Math.sqrt(step + 1);
        producer.send(new ProducerRecord<>(Topics.METRICS, run, point(run, step, value)));
      }
      producer.flush();
    }
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void shouldReadConfluentAvroThroughKafkaStreamsTopology() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "it-roundtrip");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(StreamsConfig.STATE_DIR_CONFIG, stack.dataDirectory().resolve("streams").toString());
    config.put("consumer.auto.offset.reset", "earliest");
    try (KafkaStreams streams =
        new KafkaStreams(doubledValues(AvroSerde.specific(MetricPoint.class, registry)), config)) {
      streams.start();
      var out =
          StackClients.readAll(
              stack.bootstrapServers(),
              STREAMS_OUT,
              AvroKafkaDeserializer.specific(registry, MetricPoint.class),
              POINTS);
      assertDoubled(out.stream().map(r -> r.value()).toList());
    }
  }

  @Test
  void shouldReadConfluentAvroThroughFlinkJobOnTheStackMiniCluster() throws Exception {
    var env = stack.flink().environment();
    env.setParallelism(2);
    KafkaSource<MetricPoint> source =
        KafkaSource.<MetricPoint>builder()
            .setBootstrapServers(stack.bootstrapServers())
            .setTopics(Topics.METRICS)
            .setGroupId("it-flink")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setDeserializer(
                RegistryAvroRecordDeserializationSchema.specific(
                    MetricPoint.class, stack.registryUrl()))
            .build();
    KafkaSink<MetricPoint> sink =
        KafkaSink.<MetricPoint>builder()
            .setBootstrapServers(stack.bootstrapServers())
            .setRecordSerializer(
                KafkaRecordSerializationSchema.<MetricPoint>builder()
                    .setTopic(FLINK_OUT)
                    .setValueSerializationSchema(
                        RegistryAvroSerializationSchema.<MetricPoint>forValues(
                            stack.registryUrl(), FLINK_OUT))
                    .build())
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "metrics")
        .map(new DoubleValue())
        .sinkTo(sink);

    var job = stack.flink().submit(env, "it-roundtrip");
    var result = stack.flink().result(job).get(120, TimeUnit.SECONDS);

    assertThat(result.isSuccess()).as("job result %s", result.getSerializedThrowable()).isTrue();
    var out =
        StackClients.readAll(
            stack.bootstrapServers(),
            FLINK_OUT,
            AvroKafkaDeserializer.specific(registry, MetricPoint.class),
            POINTS);
    assertDoubled(out.stream().map(r -> r.value()).toList());
  }

  private static Topology doubledValues(AvroSerde<MetricPoint> serde) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(Topics.METRICS, Consumed.with(Serdes.String(), serde))
        .mapValues(point -> new DoubleValue().map(point))
        .to(STREAMS_OUT, Produced.with(Serdes.String(), serde));
    return builder.build();
  }

  private static void assertDoubled(List<MetricPoint> out) {
    assertThat(out).hasSize(POINTS);
    for (MetricPoint point : out) {
      Double expected = point.getStep() == 13 ? Double.NaN : 8.0 / Math.sqrt(point.getStep() + 1);
      assertThat(Double.valueOf(point.getValue()))
          .as("step %d", point.getStep())
          .isEqualTo(expected);
      assertThat(point.getRunId()).isEqualTo("run-" + (point.getStep() % 4));
    }
    assertThat(out).extracting(MetricPoint::getStep).doesNotHaveDuplicates();
  }

  /** Doubles a point's value; a named class so Flink can serialize it. */
  static final class DoubleValue implements MapFunction<MetricPoint, MetricPoint> {
    @Override
    public MetricPoint map(MetricPoint point) {
      return MetricPoint.newBuilder(point).setValue(point.getValue() * 2).build();
    }
  }
}
