package dev.scalewatch.sinks.store;

import static dev.scalewatch.sinks.store.TestRecords.T0;
import static dev.scalewatch.sinks.store.TestRecords.alert;
import static dev.scalewatch.sinks.store.TestRecords.eval;
import static dev.scalewatch.sinks.store.TestRecords.fit;
import static dev.scalewatch.sinks.store.TestRecords.point;
import static dev.scalewatch.sinks.store.TestRecords.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.RunStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queries the dashboard adds (tasks, sweep points, a run's series) and {@link StoreChange}. */
class DashboardQueriesTest {

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

  @Test
  void shouldGiveEachRunsLatestEvalWithTheRunsParametersAsItsSweepPoint() throws Exception {
    var withOwnCount = eval("r2", "wino", 5, null, 0.7);
    withOwnCount.setParameters(1_300_000_000L);
    writer.write(
        new Batch()
            .add(run("r1", RunStatus.FINISHED))
            .add(eval("r1", "wino", 10, null, 0.51))
            .add(eval("r1", "wino", 30, null, 0.55))
            .add(eval("r1", "wino", 20, null, 0.53))
            .add(withOwnCount)
            .add(eval("r1", "other", 30, null, 0.9)));

    var points = store.reader().sweepPoints("p", "wino");

    assertThat(points).extracting(EvalPoint::runId).containsExactly("r1", "r2");
    assertThat(points.get(0).step()).isEqualTo(30);
    assertThat(points.get(0).value()).isEqualTo(0.55);
    assertThat(points.get(0).parameters()).isEqualTo(70_000_000L);
    assertThat(points.get(1).parameters()).isEqualTo(1_300_000_000L);
    assertThat(points.get(1).modelFamily()).isNull();
    assertThat(store.reader().tasks("p"))
        .containsExactly(new TaskSummary("p", "other", 1, 1), new TaskSummary("p", "wino", 2, 4));
  }

  @Test
  void shouldListTheSeriesOfARun() throws Exception {
    writer.write(
        new Batch()
            .add(point("r1", "train/loss", 3, 2.5))
            .add(point("r1", "train/loss", 9, Double.NaN))
            .add(point("r1", "lr", 4, 1e-4))
            .add(point("r2", "train/loss", 99, 1.0)));

    assertThat(store.reader().metrics("p", "r1"))
        .containsExactly(
            new MetricSummary("lr", "train", 1, 4, 4),
            new MetricSummary("train/loss", "train", 2, 3, 9));
  }

  @Test
  void shouldNameWhatABatchChanges() {
    StoreChange change =
        new Batch()
            .add(run("r1", RunStatus.RUNNING))
            .add(point("r1", "train/loss", 10, 2.5))
            .add(point("r1", "train/loss", 30, 2.4))
            .add(point("r1", "train/loss", 20, 2.45))
            .add(eval("r1", "wino", 20, null, 0.5))
            .add(eval("r2", "wino", 20, null, 0.6))
            .add(fit("p/-/wino/accuracy/params", "wino", 4, -0.1))
            .add(alert("a1", AlertState.RESOLVED, T0))
            .offset("scalewatch.metrics", 0, 9)
            .changes();

    assertThat(change.runs()).containsExactly(new StoreChange.RunRef("p", "r1"));
    assertThat(change.series())
        .containsExactly(new StoreChange.SeriesTail("p", "r1", "train/loss", "train", 30));
    assertThat(change.evals()).containsExactly(new StoreChange.TaskRef("p", "wino"));
    assertThat(change.fits())
        .containsExactly(new StoreChange.FitRef("p", "p/-/wino/accuracy/params", "wino", null, 4));
    assertThat(change.alerts())
        .containsExactly(new StoreChange.AlertRef("a1", "p", "LOSS_SPIKE", "RESOLVED"));
    assertThat(new Batch().offset("scalewatch.metrics", 0, 9).changes().isEmpty()).isTrue();
  }
}
