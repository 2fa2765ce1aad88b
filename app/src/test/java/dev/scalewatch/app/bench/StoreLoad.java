package dev.scalewatch.app.bench;

import dev.scalewatch.app.testing.PostgresServer;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.sinks.store.Batch;
import dev.scalewatch.sinks.store.Series;
import dev.scalewatch.sinks.store.SeriesRequest;
import dev.scalewatch.sinks.store.Store;
import dev.scalewatch.sinks.store.StoreReader;
import dev.scalewatch.sinks.store.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Load generator for the store (not a test): writes through {@link StoreWriter} what the sink
 * writes, then times the queries of the API through {@link StoreReader}, on DuckDB and optionally
 * on PostgreSQL. The workload:
 *
 * <ol>
 *   <li>10^6 loss points of one run, in batches of {@value #BATCH} points (one transaction each, as
 *       the sink writes one poll);
 *   <li>1,000 runs (a run record each) of 2,000 points, in the same batches;
 *   <li>then, with 1,000 runs and 3x10^6 points stored: the runs list ({@code GET /api/runs}) and
 *       the 10^6-point series at 1,000 buckets, each {@value #QUERY_REPEATS} times after {@value
 *       #QUERY_WARMUP} warm-up calls (fastest, median, slowest).
 * </ol>
 *
 * The machine is shared: figures taken while other builds run are upper bounds. Run from the
 * repository root after {@code mvn -B -o -q -pl app -am package -DskipTests}, with the heap of
 * {@code scalewatch up}:
 *
 * <pre>
 * java -Xmx1g -cp "app/target/test-classes:app/target/scalewatch.jar:app/target/lib/*" \
 *     dev.scalewatch.app.bench.StoreLoad duckdb own-postgres
 * </pre>
 *
 * Arguments name the stores to load, in order: {@code duckdb} (a file in a temporary directory,
 * with the stack's memory and thread limits), {@code own-postgres} (a throwaway PostgreSQL server
 * started from Debian's binaries as the tests start it: fsync off, so it measures the store's SQL,
 * not the disk), or a {@code jdbc:postgresql://...} URL of an empty database (user and password
 * from {@code SCALEWATCH_STORE_USER} and {@code SCALEWATCH_STORE_PASSWORD}).
 */
public final class StoreLoad {

  static final int BATCH = 10_000;
  static final int BIG_RUN_POINTS = 1_000_000;
  static final int RUNS = 1_000;
  static final int POINTS_PER_RUN = 2_000;
  static final int QUERY_WARMUP = 5;
  static final int QUERY_REPEATS = 20;
  static final String PROJECT = "load";
  static final String METRIC = "train/loss";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private StoreLoad() {}

  public static void main(String[] args) throws Exception {
    for (String target : args.length == 0 ? new String[] {"duckdb"} : args) {
      switch (target) {
        case "duckdb" -> {
          Path directory = Files.createTempDirectory("scalewatch-store-load");
          try (Store store = Store.openDuckDb(directory.resolve("store.duckdb"))) {
            load("DuckDB (memory limit " + Store.DUCKDB_MEMORY_LIMIT + ")", store);
          } finally {
            deleteTree(directory);
          }
        }
        case "own-postgres" -> {
          PostgresServer server = new PostgresServer();
          server.start();
          try (Store store = Store.openJdbc(server.createDatabase("load"), server.login())) {
            load("PostgreSQL (own server, fsync off)", store);
          } finally {
            server.stop();
          }
        }
        default -> {
          if (!target.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                "store to load must be duckdb, own-postgres or a jdbc:postgresql:// URL: "
                    + Store.withoutPassword(target));
          }
          try (Store store = Store.openJdbc(target, login())) {
            load("PostgreSQL " + store.location(), store);
          }
        }
      }
    }
  }

  private static void load(String name, Store store) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%s: Java %s, %d cores%n",
        name,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    try (StoreWriter writer = store.writer()) {
      long start = System.nanoTime();
      writePoints(writer, "big", BIG_RUN_POINTS);
      report("  10^6 points of one run", BIG_RUN_POINTS, System.nanoTime() - start);

      start = System.nanoTime();
      Batch runs = new Batch();
      for (int r = 0; r < RUNS; r++) {
        runs.add(run("run-" + r));
      }
      writer.write(runs);
      for (int r = 0; r < RUNS; r++) {
        writePoints(writer, "run-" + r, POINTS_PER_RUN);
      }
      report(
          "  1,000 runs x 2,000 points", (long) RUNS * POINTS_PER_RUN, System.nanoTime() - start);
    }
    StoreReader reader = store.reader();
    time(
        "  runs list (" + (RUNS + 1) + " runs)",
        () -> {
          if (reader.runs(null).size() != RUNS + 1) {
            throw new IllegalStateException("runs list does not hold every run");
          }
        });
    SeriesRequest request = new SeriesRequest(PROJECT, "big", METRIC, "train", null, null, 1000);
    time(
        "  10^6-point series at 1,000 buckets",
        () -> {
          Series series = reader.series(request);
          if (series.pointCount() != BIG_RUN_POINTS) {
            throw new IllegalStateException("series holds " + series.pointCount() + " points");
          }
        });
  }

  /** Points of a falling loss with 1% noise and one 3x spike, written in batches. */
  private static void writePoints(StoreWriter writer, String runId, int points) throws Exception {
    Random noise = new Random(runId.hashCode());
    Batch batch = new Batch();
    for (int step = 1; step <= points; step++) {
      double value = (2 + 10 * Math.pow(step, -0.3)) * (1 + 0.01 * noise.nextGaussian());
      if (step == points / 2) {
        value *= 3;
      }
      batch.add(
          MetricPoint.newBuilder()
              .setProject(PROJECT)
              .setRunId(runId)
              .setStep(step)
              .setEventTime(T0.plusMillis(step))
              .setMetric(METRIC)
              .setValue(value)
              .build());
      if (batch.rows() == BATCH) {
        writer.write(batch);
        batch = new Batch();
      }
    }
    writer.write(batch);
  }

  private static Run run(String runId) {
    return Run.newBuilder()
        .setProject(PROJECT)
        .setRunId(runId)
        .setName(runId)
        .setParameters(70_000_000L)
        .setStatus(RunStatus.RUNNING)
        .setStartedAt(T0)
        .setUpdatedAt(T0)
        .build();
  }

  private interface Query {
    void run() throws Exception;
  }

  private static void time(String what, Query query) throws Exception {
    for (int i = 0; i < QUERY_WARMUP; i++) {
      query.run();
    }
    double[] millis = new double[QUERY_REPEATS];
    for (int i = 0; i < QUERY_REPEATS; i++) {
      long start = System.nanoTime();
      query.run();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    System.out.printf(
        Locale.ROOT,
        "%s: fastest %.1f ms, median %.1f ms, slowest %.1f ms (%d calls after %d warm-up)%n",
        what,
        millis[0],
        millis[QUERY_REPEATS / 2],
        millis[QUERY_REPEATS - 1],
        QUERY_REPEATS,
        QUERY_WARMUP);
  }

  private static void report(String what, long points, long nanos) {
    System.out.printf(
        Locale.ROOT,
        "%s: %.1f s, %,.0f points/s (batches of %,d)%n",
        what,
        nanos / 1e9,
        points / (nanos / 1e9),
        BATCH);
  }

  private static Properties login() {
    Properties login = new Properties();
    String user = System.getenv("SCALEWATCH_STORE_USER");
    String password = System.getenv("SCALEWATCH_STORE_PASSWORD");
    if (user != null) {
      login.setProperty("user", user);
    }
    if (password != null) {
      login.setProperty("password", password);
    }
    return login;
  }

  private static void deleteTree(Path directory) throws Exception {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
