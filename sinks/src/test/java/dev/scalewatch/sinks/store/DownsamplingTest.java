package dev.scalewatch.sinks.store;

import static dev.scalewatch.sinks.store.TestRecords.point;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10: a 10^6-point loss curve with one single-step spike (and a few NaN points), written
 * through the store's writer and read back in 1,000 buckets.
 */
class DownsamplingTest {

  private static final int POINTS = 1_000_000;
  private static final long SPIKE_STEP = 654_321;
  private static final double SPIKE = 17.25;
  private static final long[] NAN_STEPS = {123_456, 123_457, 999_999};

  @TempDir static Path dir;
  private static Store store;

  @BeforeAll
  static void writeCurve() throws Exception {
    store = Store.openDuckDb(dir.resolve("scalewatch.duckdb"));
    try (StoreWriter writer = store.writer()) {
      Batch batch = new Batch();
      for (long step = 0; step < POINTS; step++) {
        batch.add(point("long", "train/loss", step, valueAt(step)));
        if (batch.rows() == 50_000) {
          writer.write(batch);
          batch = new Batch();
        }
      }
      writer.write(batch);
    }
  }

  private static double valueAt(long step) {
    if (step == SPIKE_STEP) {
      return SPIKE;
    }
    for (long nan : NAN_STEPS) {
      if (step == nan) {
        return Double.NaN;
      }
    }
    return 2 + 10 * Math.pow(step + 1, -0.3);
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
  }

  @Test
  void shouldKeepASingleStepSpikeIn1000Buckets() throws Exception {
    Series series = store.reader().series(StoreTest.request("long", null, null, 1000));

    assertThat(series.buckets()).hasSize(1000);
    assertThat(series.pointCount()).isEqualTo(POINTS);
    assertThat(series.buckets())
        .filteredOn(b -> b.startStep() <= SPIKE_STEP && SPIKE_STEP <= b.endStep())
        .singleElement()
        .satisfies(b -> assertThat(b.max()).isEqualTo(SPIKE));
    assertThat(series.buckets().stream().mapToDouble(SeriesBucket::max).max().orElseThrow())
        .isEqualTo(SPIKE);
  }

  @Test
  void shouldCountNanPointsInTheirBuckets() throws Exception {
    Series series = store.reader().series(StoreTest.request("long", null, null, 1000));

    assertThat(series.buckets().stream().mapToLong(SeriesBucket::nanCount).sum()).isEqualTo(3);
    assertThat(series.buckets())
        .filteredOn(b -> b.nanCount() > 0)
        .extracting(SeriesBucket::startStep, SeriesBucket::nanCount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(123_000L, 2L),
            org.assertj.core.groups.Tuple.tuple(999_000L, 1L));
    assertThat(series.buckets().get(999).lastValue()).as("the last point is NaN").isNaN();
  }

  @Test
  void shouldShowEveryPointWhenZoomedIn() throws Exception {
    Series zoomed =
        store.reader().series(StoreTest.request("long", SPIKE_STEP - 2, SPIKE_STEP + 2, 1000));

    assertThat(zoomed.bucketSteps()).isEqualTo(1);
    assertThat(zoomed.buckets())
        .extracting(SeriesBucket::lastValue)
        .containsExactly(
            valueAt(SPIKE_STEP - 2),
            valueAt(SPIKE_STEP - 1),
            SPIKE,
            valueAt(SPIKE_STEP + 1),
            valueAt(SPIKE_STEP + 2));
  }
}
