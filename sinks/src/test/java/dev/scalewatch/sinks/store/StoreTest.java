package dev.scalewatch.sinks.store;

import static dev.scalewatch.sinks.store.TestRecords.T0;
import static dev.scalewatch.sinks.store.TestRecords.alert;
import static dev.scalewatch.sinks.store.TestRecords.eval;
import static dev.scalewatch.sinks.store.TestRecords.fit;
import static dev.scalewatch.sinks.store.TestRecords.point;
import static dev.scalewatch.sinks.store.TestRecords.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.RunStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

  @TempDir Path dir;
  private Store store;
  private StoreWriter writer;

  @BeforeEach
  void open() throws Exception {
    store = Store.openDuckDb(dir.resolve("store/scalewatch.duckdb"));
    writer = store.writer();
  }

  @AfterEach
  void close() throws Exception {
    writer.close();
    store.close();
  }

  private Batch everything() {
    return new Batch()
        .add(run("r1", RunStatus.RUNNING))
        .add(point("r1", "train/loss", 10, 2.5))
        .add(point("r1", "train/loss", 20, 2.4))
        .add(eval("r1", "winogrande", 20, 0, 0.51))
        .add(eval("r1", "winogrande", 20, null, 0.52))
        .add(fit("p/winogrande/accuracy/params", "winogrande", 1, -0.1))
        .add(alert("a1", AlertState.FIRING, T0))
        .offset("scalewatch.metrics", 0, 3);
  }

  @Test
  void shouldLeaveThePasswordOutOfAJdbcUrlItShows() {
    assertThat(Store.withoutPassword("jdbc:postgresql://db/sw?password=s3cret"))
        .isEqualTo("jdbc:postgresql://db/sw");
    assertThat(Store.withoutPassword("jdbc:postgresql://db/sw?user=a&PASSWORD=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/sw?user=a&ssl=true");
    assertThat(Store.withoutPassword("jdbc:postgresql://db/sw?user=a&password=s3cret"))
        .isEqualTo("jdbc:postgresql://db/sw?user=a");
  }

  @Test
  void shouldWriteEachRecordOnceWhenTheSameBatchIsWrittenTwice() throws Exception {
    writer.write(everything());
    writer.write(everything());

    assertThat(count("runs")).isEqualTo(1);
    assertThat(count("metric_points")).isEqualTo(2);
    assertThat(count("eval_results")).as("0 shots and no shots are two results").isEqualTo(2);
    assertThat(count("fits")).isEqualTo(1);
    assertThat(count("alerts")).isEqualTo(1);
    assertThat(writer.offsets()).isEqualTo(Map.of("scalewatch.metrics", Map.of(0, 3L)));
  }

  /** The path PostgreSQL gets (multi-row VALUES), run here on DuckDB: the same rows result. */
  @Test
  void shouldWriteTheSameRowsThroughMultiRowValues() throws Exception {
    try (StoreWriter values = new StoreWriter(store.connections().open(), Upsert.Path.VALUES)) {
      Batch batch = everything();
      for (long step = 100; step < 100 + 2 * Upsert.ROWS_PER_STATEMENT + 1; step++) {
        batch.add(point("r1", "train/loss", step, step == 200 ? Double.NaN : 1.0));
      }
      values.write(batch);
      values.write(batch);
      values.write(new Batch().add(point("r1", "train/loss", 20, 1.5)));

      assertThat(count("metric_points")).isEqualTo(2 + 2 * Upsert.ROWS_PER_STATEMENT + 1);
      assertThat(count("eval_results")).isEqualTo(2);
      assertThat(count("alerts")).isEqualTo(1);
      assertThat(values.offsets()).isEqualTo(Map.of("scalewatch.metrics", Map.of(0, 3L)));
      assertThat(store.reader().series(request("r1", 200L, 200L, 1)).buckets())
          .singleElement()
          .satisfies(b -> assertThat(b.nanCount()).isEqualTo(1));
      assertThat(store.reader().runs("p"))
          .singleElement()
          .satisfies(r -> assertThat(r.lastStep()).isEqualTo(100 + 2 * Upsert.ROWS_PER_STATEMENT));
      assertThat(store.reader().series(request("r1", 20L, 20L, 1)).buckets().get(0).lastValue())
          .isEqualTo(1.5);
    }
  }

  @Test
  void shouldKeepTheLastValueOfAKeyWithinAndAcrossBatches() throws Exception {
    writer.write(
        new Batch()
            .add(point("r1", "train/loss", 10, 1.0))
            .add(point("r1", "train/loss", 10, 2.0)));
    assertThat(series("r1").buckets())
        .singleElement()
        .extracting(SeriesBucket::lastValue)
        .isEqualTo(2.0);

    writer.write(
        new Batch().add(point("r1", "train/loss", 10, 3.0)).add(run("r1", RunStatus.FINISHED)));
    writer.write(new Batch().add(run("r1", RunStatus.FAILED)));

    assertThat(count("metric_points")).isEqualTo(1);
    assertThat(series("r1").buckets())
        .singleElement()
        .extracting(SeriesBucket::lastValue)
        .isEqualTo(3.0);
    assertThat(store.reader().runs(null))
        .singleElement()
        .extracting(RunSummary::status)
        .isEqualTo("FAILED");
  }

  @Test
  void shouldRoundTripNanAndInfinitiesAndCountThemOutsideMinAndMax() throws Exception {
    writer.write(
        new Batch()
            .add(point("r1", "train/loss", 1, 2.0))
            .add(point("r1", "train/loss", 2, Double.NaN))
            .add(point("r1", "train/loss", 3, Double.POSITIVE_INFINITY))
            .add(point("r1", "train/loss", 4, Double.NEGATIVE_INFINITY))
            .add(point("r1", "train/loss", 5, 1.5)));

    Series all = store.reader().series(request("r1", null, null, 1));
    SeriesBucket bucket = all.buckets().get(0);
    assertThat(bucket.count()).isEqualTo(5);
    assertThat(bucket.min()).isEqualTo(1.5);
    assertThat(bucket.max()).isEqualTo(2.0);
    assertThat(bucket.nanCount()).isEqualTo(1);
    assertThat(bucket.positiveInfinityCount()).isEqualTo(1);
    assertThat(bucket.negativeInfinityCount()).isEqualTo(1);

    Series each = store.reader().series(request("r1", null, null, 5));
    assertThat(each.buckets())
        .extracting(SeriesBucket::lastValue)
        .containsExactly(2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5);
    assertThat(each.buckets().get(1).min()).as("a bucket of NaN only has no min").isNull();
  }

  @Test
  void shouldKeepEachBucketsFirstAndLastPointAndItsRange() throws Exception {
    Batch batch = new Batch();
    for (long step = 0; step < 100; step++) {
      batch.add(point("r1", "train/loss", step, step));
    }
    writer.write(batch);

    Series series = store.reader().series(request("r1", 10L, 39L, 3));

    assertThat(series.bucketSteps()).isEqualTo(10);
    assertThat(series.pointCount()).isEqualTo(30);
    assertThat(series.buckets())
        .extracting(
            SeriesBucket::startStep,
            SeriesBucket::endStep,
            SeriesBucket::firstValue,
            SeriesBucket::lastValue,
            SeriesBucket::min,
            SeriesBucket::max)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10L, 19L, 10.0, 19.0, 10.0, 19.0),
            org.assertj.core.groups.Tuple.tuple(20L, 29L, 20.0, 29.0, 20.0, 29.0),
            org.assertj.core.groups.Tuple.tuple(30L, 39L, 30.0, 39.0, 30.0, 39.0));
  }

  @Test
  void shouldListRunsWithStatusLastStepAndLastLossIncludingRunsKnownOnlyByPoints()
      throws Exception {
    writer.write(
        new Batch()
            .add(run("r1", RunStatus.RUNNING))
            .add(point("r1", "train/loss", 10, 2.5))
            .add(point("r1", "train/loss", 20, 2.4))
            .add(point("r1", "grad_norm", 30, 0.9))
            .add(point("r2", "train/loss", 5, Double.NaN)));

    assertThat(store.reader().runs(null))
        .extracting(
            RunSummary::runId, RunSummary::status, RunSummary::lastStep, RunSummary::lastLoss)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "r1", "RUNNING", 30L, new RunSummary.LastLoss("train/loss", "train", 20, 2.4)),
            org.assertj.core.groups.Tuple.tuple(
                "r2",
                "UNKNOWN",
                5L,
                new RunSummary.LastLoss("train/loss", "train", 5, Double.NaN)));
    assertThat(store.reader().runs("elsewhere")).isEmpty();
  }

  @Test
  void shouldKeepARunsProgressWhenOlderPointsAreWrittenAgain() throws Exception {
    writer.write(new Batch().add(point("r1", "train/loss", 20, 2.4)));
    writer.write(
        new Batch().add(point("r1", "train/loss", 10, 2.5)).add(point("r1", "val/loss", 15, 2.6)));

    assertThat(store.reader().runs("p"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.lastStep()).isEqualTo(20);
              assertThat(r.lastLoss())
                  .isEqualTo(new RunSummary.LastLoss("train/loss", "train", 20, 2.4));
              assertThat(r.updatedAt()).isEqualTo(T0.plusMillis(20).toEpochMilli());
            });
  }

  @Test
  void shouldListTheLatestFitPerKeyAndItsHistory() throws Exception {
    writer.write(
        new Batch()
            .add(fit("p/wino/accuracy/params", "wino", 1, -0.1))
            .add(fit("p/wino/accuracy/params", "wino", 2, -0.2))
            .add(fit("p/arith/accuracy/params", "arith", 1, -0.3)));

    assertThat(store.reader().latestFits("p", "wino", null))
        .singleElement()
        .satisfies(f -> assertThat(f.get("sequence").asLong()).isEqualTo(2));
    assertThat(store.reader().latestFits(null, null, null)).hasSize(2);
    assertThat(store.reader().fitHistory("p", "p/wino/accuracy/params"))
        .extracting(f -> f.get("parameters").get(0).get("value").asDouble())
        .containsExactly(-0.1, -0.2);
  }

  @Test
  void shouldListEachAlertInItsCurrentState() throws Exception {
    writer.write(
        new Batch()
            .add(alert("spike", AlertState.FIRING, T0))
            .add(alert("stall", AlertState.FIRING, T0.plusSeconds(5))));
    writer.write(new Batch().add(alert("spike", AlertState.RESOLVED, T0)));

    assertThat(ids(AlertStateFilter.FIRING)).containsExactly("stall");
    assertThat(ids(AlertStateFilter.RESOLVED)).containsExactly("spike");
    assertThat(ids(AlertStateFilter.ALL)).containsExactly("stall", "spike");

    writer.write(new Batch().add(alert("spike", AlertState.FIRING, T0.plusSeconds(90))));
    assertThat(ids(AlertStateFilter.FIRING)).as("fired again after it resolved").contains("spike");
  }

  @Test
  void shouldWriteNothingOfABatchThatFailsAtItsLastStatement() throws Exception {
    writer.write(
        new Batch().add(point("r1", "train/loss", 1, 1.0)).offset("scalewatch.metrics", 0, 1));
    // The offsets are written last: a null topic breaks them after the points went in.
    Batch failing = new Batch().add(point("r1", "train/loss", 2, 2.0)).offset(null, 0, 2);

    assertThatThrownBy(() -> writer.write(failing)).isInstanceOf(SQLException.class);

    assertThat(count("metric_points")).isEqualTo(1);
    assertThat(writer.offsets()).isEqualTo(Map.of("scalewatch.metrics", Map.of(0, 1L)));
    writer.write(new Batch().add(point("r1", "train/loss", 2, 2.0)));
    assertThat(count("metric_points")).as("the writer goes on after a failure").isEqualTo(2);
  }

  @Test
  void shouldRefuseABadStateFilterNamingTheChoices() {
    assertThatThrownBy(() -> AlertStateFilter.parse("open"))
        .hasMessage("state must be one of firing, resolved, all: 'open'");
  }

  @Test
  void shouldKeepRowsAndOffsetsAcrossReopening() throws Exception {
    writer.write(everything());
    writer.close();
    store.close();

    store = Store.openDuckDb(dir.resolve("store/scalewatch.duckdb"));
    writer = store.writer();

    assertThat(count("metric_points")).isEqualTo(2);
    assertThat(writer.offsets()).containsEntry("scalewatch.metrics", Map.of(0, 3L));
  }

  private java.util.List<String> ids(AlertStateFilter filter) throws SQLException {
    return store.reader().alerts(filter, null).stream().map(a -> a.get("id").asText()).toList();
  }

  private Series series(String runId) throws SQLException {
    return store.reader().series(request(runId, null, null, 1000));
  }

  static SeriesRequest request(String runId, Long from, Long to, int buckets) {
    return new SeriesRequest("p", runId, "train/loss", "train", from, to, buckets);
  }

  private long count(String table) throws SQLException {
    try (Connection connection = store.connections().open();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
