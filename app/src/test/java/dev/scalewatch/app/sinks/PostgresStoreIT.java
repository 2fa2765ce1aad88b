package dev.scalewatch.app.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.app.config.JobSettings;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.config.StoreSettings;
import dev.scalewatch.app.demo.DemoFeed;
import dev.scalewatch.app.demo.DemoPlayer;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.app.embedded.StartRefusedException;
import dev.scalewatch.app.testing.FreeTestPorts;
import dev.scalewatch.app.testing.PostgresServer;
import dev.scalewatch.app.testing.RunningPostgres;
import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroDecoder;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded stack with its store in a real PostgreSQL server (started by the test). The demo
 * feed flows in, and on through a restart of the whole stack in the middle of it (same ports and
 * data directory; the feed's producer buffers meanwhile). Afterwards every run, point and eval
 * sent, and every fit and alert the stream jobs published, is in PostgreSQL exactly once: the rows'
 * keys equal the records' keys, and the two sinks' write counts add up to the records on the topics
 * (nothing written twice).
 */
class PostgresStoreIT {

  @RegisterExtension static final RunningPostgres postgres = new RunningPostgres();

  private static final List<String> STORED_TOPICS =
      List.of(Topics.RUNS, Topics.METRICS, Topics.EVALS, Topics.FITS, Topics.ALERTS);
  private static final Duration POINT_INTERVAL = Duration.ofMillis(80);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration QUIET = Duration.ofSeconds(12);

  @TempDir Path data;

  @Test
  void shouldStoreEveryRecordExactlyOnceAcrossARestartMidStream() throws Exception {
    String url = postgres.createDatabase("restart_it");
    StackConfig config =
        fixedPorts(data)
            .withStore(StoreSettings.postgres(url, PostgresServer.USER, PostgresServer.PASSWORD));
    Instant feedStart = Instant.now();
    DemoPlayer player;
    EmbeddedStack first = EmbeddedStack.start(config);
    try {
      assertThat(first.health().components().get("store").address()).isEqualTo(url);
      player = DemoPlayer.start(first.bootstrapServers(), first.registryUrl(), POINT_INTERVAL);
      awaitRows(url, 50);
      assertThat(player.finished()).as("the stack stops while the feed is sending").isFalse();
    } finally {
      first.close();
    }
    Map<String, Long> storedByFirst = first.storeSink().storedRecordsByTopic();

    TopicContents onTopics;
    EmbeddedStack second = EmbeddedStack.start(config);
    try {
      assertThat(player.await(WAIT)).as("the demo feed ends").isTrue();
      assertThat(player.failed()).as("every demo event reached the broker").isZero();
      awaitAlertKinds(url, Set.of("LOSS_SPIKE", "DIVERGENCE", "EMERGENCE"));
      onTopics = readTopics(second, awaitQuiet(second));
    } finally {
      second.close();
      player.close();
    }
    Map<String, Long> storedBySecond = second.storeSink().storedRecordsByTopic();

    StoreSnapshot store;
    try (Connection connection = DriverManager.getConnection(url, postgres.login())) {
      store = StoreSnapshot.read(connection);
    }
    assertThat(store.nextOffsets())
        .as("the sink read every partition to its last record before the stack stopped")
        .isEqualTo(onTopics.nextAfterLastRecord());
    for (String topic : STORED_TOPICS) {
      List<Object> records = onTopics.recordsByTopic().get(topic);
      Set<String> keys = new TreeSet<>();
      records.forEach(r -> keys.add(StoreSnapshot.keyOf(r)));
      assertThat(store.keysByTopic().get(topic))
          .as("rows of %s against the keys of its records", topic)
          .isEqualTo(keys);
      assertThat(storedByFirst.getOrDefault(topic, 0L) + storedBySecond.getOrDefault(topic, 0L))
          .as(
              "records of %s written by the sink before (%s) and after (%s) the restart",
              topic, storedByFirst, storedBySecond)
          .isEqualTo(records.size());
    }
    assertThat(storedByFirst).as("the first stack stored something").isNotEmpty();
    Map<String, Set<String>> sent = sentKeys(feedStart);
    for (String topic : List.of(Topics.RUNS, Topics.METRICS, Topics.EVALS)) {
      assertThat(store.keysByTopic().get(topic))
          .as("rows of %s against what the feed sent", topic)
          .isEqualTo(sent.get(topic));
    }
    assertThat(store.keysByTopic().get(Topics.FITS)).isNotEmpty();
  }

  @Test
  void shouldRefuseToStartNamingTheUrlWithoutPasswordWhenTheDatabaseIsUnreachable()
      throws Exception {
    int closedPort = FreeTestPorts.pick("127.0.0.1", 1)[0];
    StackConfig config =
        StackConfig.ephemeral(data)
            .withStore(
                StoreSettings.postgres(
                    "jdbc:postgresql://127.0.0.1:" + closedPort + "/sw?password=inurl",
                    "sw",
                    "secret"));
    assertThatThrownBy(() -> EmbeddedStack.start(config).close())
        .isInstanceOf(StartRefusedException.class)
        .hasMessageStartingWith(
            "cannot open the store at jdbc:postgresql://127.0.0.1:"
                + closedPort
                + "/sw (--store-url, user sw): ")
        .hasMessageContaining("refused")
        .hasMessageNotContaining("secret")
        .hasMessageNotContaining("inurl")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  /** Every port fixed, so that the feed's producer finds the restarted broker. */
  private static StackConfig fixedPorts(Path data) throws IOException {
    int[] ports = FreeTestPorts.pick("127.0.0.1", 5);
    return new StackConfig(
        data,
        "127.0.0.1",
        ports[0],
        ports[1],
        ports[2],
        ports[3],
        ports[4],
        2,
        StackConfig.DEFAULT_MIN_FREE_DISK_BYTES,
        new GatewayConfig(
            Map.of(), GatewayConfig.DEFAULT_MAX_EVENTS, GatewayConfig.DEFAULT_MAX_BYTES),
        JobSettings.DEFAULTS,
        StoreSettings.EMBEDDED,
        RoutingConfig.NONE);
  }

  private static void awaitRows(String url, long points) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (count(url, "SELECT COUNT(*) FROM metric_points") < points) {
      assertThat(System.nanoTime())
          .as("%d points stored within %s", points, WAIT)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitAlertKinds(String url, Set<String> kinds) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Set<String> seen = Set.of();
    while (!seen.containsAll(kinds)) {
      assertThat(System.nanoTime())
          .as("alerts %s stored within %s; stored: %s", kinds, WAIT, seen)
          .isLessThan(deadline);
      Thread.sleep(500);
      seen = new TreeSet<>();
      try (Connection connection = DriverManager.getConnection(url, postgres.login());
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT DISTINCT kind FROM alerts")) {
        while (rows.next()) {
          seen.add(rows.getString(1));
        }
      }
    }
  }

  private static long count(String url, String query) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, postgres.login());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Waits until the topics' committed ends stay put for {@link #QUIET} (the sweep fitter's last
   * full selection comes 10 s after its last point) and the sink has read them all.
   */
  private static Map<TopicPartition, Long> awaitQuiet(EmbeddedStack stack) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<TopicPartition, Long> ends = endOffsets(stack);
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < QUIET.toNanos()
        || stack.storeSink().lagRecords() != 0) {
      assertThat(System.nanoTime()).as("topics quiet within %s", WAIT).isLessThan(deadline);
      Thread.sleep(500);
      Map<TopicPartition, Long> now = endOffsets(stack);
      if (!now.equals(ends)) {
        ends = now;
        stableSince = System.nanoTime();
      }
    }
    return ends;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedStack stack) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed"),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  private static Map<TopicPartition, Long> endOffsets(EmbeddedStack stack) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(stack)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : STORED_TOPICS) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      return new HashMap<>(consumer.endOffsets(partitions));
    }
  }

  /**
   * @param recordsByTopic every record (not tombstones) of the stored topics, decoded
   * @param nextAfterLastRecord the offset after each partition's last record (the end offset of a
   *     transactional topic is one past its commit marker)
   */
  private record TopicContents(
      Map<String, List<Object>> recordsByTopic, Map<TopicPartition, Long> nextAfterLastRecord) {}

  /** Every record of the stored topics below {@code ends}. */
  private static TopicContents readTopics(EmbeddedStack stack, Map<TopicPartition, Long> ends)
      throws Exception {
    Map<TopicPartition, Long> nextAfterLast = new HashMap<>();
    Map<String, List<Object>> records = new TreeMap<>();
    STORED_TOPICS.forEach(t -> records.put(t, new ArrayList<>()));
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
        KafkaConsumer<byte[], byte[]> consumer = consumer(stack)) {
      AvroDecoder<Object> decoder = AvroDecoder.specificByWriterName(registry);
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(System.nanoTime()).as("topics read within %s", WAIT).isLessThan(deadline);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= ends.get(partition)) {
            continue;
          }
          nextAfterLast.put(partition, record.offset() + 1);
          if (record.value() != null) {
            records.get(record.topic()).add(decoder.decode(record.topic(), record.value()));
          }
        }
      }
    }
    return new TopicContents(records, nextAfterLast);
  }

  /** The keys of the runs, points and evals the demo feed sends. */
  private static Map<String, Set<String>> sentKeys(Instant start) {
    Map<String, Set<String>> keys = new TreeMap<>();
    for (DemoFeed.Timed timed : DemoFeed.events(start, POINT_INTERVAL)) {
      keys.computeIfAbsent(StoreSnapshot.topicOf(timed.event()), t -> new TreeSet<>())
          .add(StoreSnapshot.keyOf(timed.event()));
    }
    return keys;
  }
}
