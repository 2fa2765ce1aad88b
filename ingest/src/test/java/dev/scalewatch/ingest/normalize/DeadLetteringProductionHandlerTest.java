package dev.scalewatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetteringProductionHandlerTest {

  private final String scope = "handler-" + UUID.randomUUID();
  private final SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + scope);
  private final DeadLetteringProductionHandler handler = new DeadLetteringProductionHandler();

  DeadLetteringProductionHandlerTest() {
    handler.configure(
        Map.of(DeadLetteringProductionHandler.REGISTRY_URL_CONFIG, "mock://" + scope));
  }

  @AfterEach
  void close() {
    SchemaRegistryClients.dropMockScope(scope);
  }

  @Test
  void shouldDeadLetterOutputTooLargeWithReasonAndSourceAndResume() {
    var response =
        handler.handleSerializationError(
            context(),
            new ProducerRecord<>(Topics.RUNS, "r1", "a run"),
            new SizeLimitedSerializer.OutputTooLargeException(Topics.RUNS, 2_000_000, 1_044_480),
            SerializationExceptionOrigin.VALUE);

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords())
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTERS);
              assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("r1");
              DeadLetter letter =
                  AvroKafkaDeserializer.specific(registry, DeadLetter.class)
                      .deserialize(Topics.DEAD_LETTERS, record.value());
              assertThat(letter.getReason())
                  .isEqualTo(
                      "output to scalewatch.runs could not be written: a record of 2000000 bytes"
                          + " for scalewatch.runs is larger than the normalizer can write (1044480"
                          + " bytes: the producer's max.request.size less room for key and"
                          + " headers); skipped so that the pipeline goes on (source:"
                          + " scalewatch.raw partition 3 offset 42)");
              assertThat(letter.getSourceTopic()).isEqualTo(Topics.RAW);
              assertThat(letter.getPartition()).isEqualTo(3);
              assertThat(letter.getOffset()).isEqualTo(42L);
            });
  }

  @Test
  void shouldFailOnOtherSerializationErrorsSoTheRecordIsRetried() {
    var response =
        handler.handleSerializationError(
            context(),
            new ProducerRecord<>(Topics.METRICS, "r1", "a point"),
            new SerializationException("registry unreachable"),
            SerializationExceptionOrigin.VALUE);

    assertThat(response.result()).isEqualTo(Result.FAIL);
  }

  @Test
  void shouldRetryRetriableSendErrorsAndDeadLetterOthers() {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(Topics.METRICS, "r1".getBytes(StandardCharsets.UTF_8), new byte[10]);

    assertThat(handler.handleError(context(), record, new TimeoutException("slow")).result())
        .isEqualTo(Result.RETRY);
    var tooLarge = handler.handleError(context(), record, new RecordTooLargeException("big"));
    assertThat(tooLarge.result()).isEqualTo(Result.RESUME);
    assertThat(tooLarge.deadLetterQueueRecords()).hasSize(1);
  }

  private static ErrorHandlerContext context() {
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return Topics.RAW;
      }

      @Override
      public int partition() {
        return 3;
      }

      @Override
      public long offset() {
        return 42;
      }

      @Override
      public Headers headers() {
        return new RecordHeaders();
      }

      @Override
      public String processorNodeId() {
        return NormalizerTopology.RUNS_SINK;
      }

      @Override
      public TaskId taskId() {
        return new TaskId(0, 3);
      }

      @Override
      public long timestamp() {
        return 0;
      }

      @Override
      public byte[] sourceRawKey() {
        return null;
      }

      @Override
      public byte[] sourceRawValue() {
        return null;
      }
    };
  }
}
