package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunKey;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.schemas.serde.AvroSerde;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The normalizer's Kafka Streams topology: raw events in, runs, metrics, evals and dead letters
 * out.
 *
 * <pre>
 *   scalewatch.raw (bytes) -> normalize [dedup store, run store] -> scalewatch.runs
 *                                                                -> scalewatch.metrics
 *                                                                -> scalewatch.evals
 *                                                                -> scalewatch.dead-letters
 * </pre>
 *
 * <p>Raw values are read as bytes and decoded inside {@link NormalizeProcessor}, so that
 * undecodable records become dead letters instead of stopping the app. Points and evals keep the
 * run id as key (no repartition: one task sees every event of a run); runs are keyed by {@link
 * RunKey} (project + run id, so that compaction keeps runs of two projects sharing a run id) but go
 * to the partition of their run id, beside their points. Every output carries the event time as
 * timestamp. Dead letters keep the original key bytes as key.
 *
 * <p>State: {@value #DEDUP_STORE}, an in-memory LRU map per partition holding at most {@code
 * dedupEntriesPerPartition} keys (evictions are written to its changelog as tombstones, so a
 * restored store has the same bound; the changelog can be switched off, see {@link
 * NormalizerConfig#dedupChangelog()}), and {@value #RUN_STORE}, an in-memory store of each
 * partition's runs; both are backed by changelog topics and restored on restart. Building is pure:
 * no I/O.
 */
public final class NormalizerTopology {

  /** Source node reading {@link Topics#RAW}. */
  public static final String SOURCE = "raw-source";

  /** The processor node. */
  public static final String PROCESSOR = "normalize";

  /** Sink node writing {@link Topics#RUNS}. */
  public static final String RUNS_SINK = "runs-sink";

  /** Sink node writing {@link Topics#METRICS}. */
  public static final String METRICS_SINK = "metrics-sink";

  /** Sink node writing {@link Topics#EVALS}. */
  public static final String EVALS_SINK = "evals-sink";

  /** Sink node writing {@link Topics#DEAD_LETTERS}. */
  public static final String DEAD_LETTERS_SINK = "dead-letters-sink";

  /** Dedup store: last value per (project, run, metric or task, split or shots, step). */
  public static final String DEDUP_STORE = "dedup";

  /** Run metadata store, keyed by project and run id. */
  public static final String RUN_STORE = "runs";

  /**
   * Header set to "true" on points and evals whose value is NaN or infinite (the divergence
   * signal).
   */
  public static final String NON_FINITE_HEADER = "scalewatch.non-finite";

  private NormalizerTopology() {}

  /** Builds the topology for a config, with a registry client from its URL. */
  public static Topology buildTopology(NormalizerConfig config) {
    return buildTopology(SchemaRegistryClients.forUrl(config.registryUrl()), config);
  }

  /**
   * Builds the topology over a registry client; of the config it uses the dedup settings and the
   * output size limit ({@link NormalizerConfig#maxOutputBytes()}).
   */
  public static Topology buildTopology(SchemaRegistryClient registry, NormalizerConfig config) {
    var dedup =
        Stores.keyValueStoreBuilder(
            Stores.lruMap(DEDUP_STORE, config.dedupEntriesPerPartition()),
            Serdes.Bytes(),
            Serdes.ByteArray());
    if (!config.dedupChangelog()) {
      dedup = dedup.withLoggingDisabled();
    }
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.RAW);
    int maxBytes = config.maxOutputBytes();
    AvroSerde<Run> runSerde = AvroSerde.specific(Run.class, registry);
    topology.addProcessor(PROCESSOR, () -> new NormalizeProcessor(registry, maxBytes), SOURCE);
    topology.addStateStore(dedup, PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(RUN_STORE),
            Serdes.String(),
            Serdes.serdeFrom(
                new SizeLimitedSerializer<>(runSerde.serializer(), maxBytes),
                runSerde.deserializer())),
        PROCESSOR);
    topology.addSink(
        RUNS_SINK,
        Topics.RUNS,
        new StringSerializer(),
        new SizeLimitedSerializer<>(new AvroKafkaSerializer<Run>(registry), maxBytes),
        (String topic, String key, Run run, int partitions) ->
            Optional.of(Set.of(RunKey.partition(run.getRunId(), partitions))),
        PROCESSOR);
    topology.addSink(
        METRICS_SINK,
        Topics.METRICS,
        new StringSerializer(),
        new SizeLimitedSerializer<>(new AvroKafkaSerializer<MetricPoint>(registry), maxBytes),
        PROCESSOR);
    topology.addSink(
        EVALS_SINK,
        Topics.EVALS,
        new StringSerializer(),
        new SizeLimitedSerializer<>(new AvroKafkaSerializer<EvalResult>(registry), maxBytes),
        PROCESSOR);
    topology.addSink(
        DEAD_LETTERS_SINK,
        Topics.DEAD_LETTERS,
        new ByteArraySerializer(),
        new SizeLimitedSerializer<>(new AvroKafkaSerializer<DeadLetter>(registry), maxBytes),
        PROCESSOR);
    return topology;
  }
}
