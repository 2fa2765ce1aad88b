package dev.scalewatch.sinks.consume;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.serde.AvroDecoder;
import dev.scalewatch.sinks.store.Batch;
import java.util.List;

/**
 * Decodes a record of one of the topics the store keeps (Confluent wire format through the
 * registry) and adds it to a batch. Thread-safe (the decoders are).
 */
final class TopicRecords {

  /** The topics the store keeps, in flow order. */
  static final List<String> TOPICS =
      List.of(Topics.RUNS, Topics.METRICS, Topics.EVALS, Topics.FITS, Topics.ALERTS);

  private final AvroDecoder<Run> runs;
  private final AvroDecoder<MetricPoint> points;
  private final AvroDecoder<EvalResult> evals;
  private final AvroDecoder<Fit> fits;
  private final AvroDecoder<Alert> alerts;

  TopicRecords(SchemaRegistryClient registry) {
    runs = AvroDecoder.specific(registry, Run.class);
    points = AvroDecoder.specific(registry, MetricPoint.class);
    evals = AvroDecoder.specific(registry, EvalResult.class);
    fits = AvroDecoder.specific(registry, Fit.class);
    alerts = AvroDecoder.specific(registry, Alert.class);
  }

  /**
   * Adds the decoded value to the batch; a null value (a tombstone) adds nothing.
   *
   * @throws RuntimeException (an {@code AvroSerdeException}) if the bytes cannot be decoded
   * @throws IllegalArgumentException for a topic the store does not keep
   */
  void addTo(Batch batch, String topic, int partition, long offset, byte[] value) {
    if (value == null) {
      return;
    }
    switch (topic) {
      case Topics.RUNS -> batch.add(runs.decode(topic, partition, offset, value));
      case Topics.METRICS -> batch.add(points.decode(topic, partition, offset, value));
      case Topics.EVALS -> batch.add(evals.decode(topic, partition, offset, value));
      case Topics.FITS -> batch.add(fits.decode(topic, partition, offset, value));
      case Topics.ALERTS -> batch.add(alerts.decode(topic, partition, offset, value));
      default -> throw new IllegalArgumentException("the store does not keep topic " + topic);
    }
  }
}
