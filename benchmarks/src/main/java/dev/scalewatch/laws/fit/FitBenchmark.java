package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.form.Bnsl;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three latencies the stream jobs depend on: a wide 1-break fit, the selection over 0 to 3
 * breaks, and a warm-started refit after one new point. Sample-time mode reports the median (p0.50)
 * per call.
 *
 * <p>Run (after {@code mvn -pl laws,benchmarks -am package -DskipTests}):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FitBenchmark -rf text</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FitBenchmark {

  @Param({"20", "50"})
  public int points;

  private final Fitter fitter = new Fitter();
  private final Selector selector = new Selector();
  private Series series;
  private Series withOneMore;
  private Fit previous;

  @Setup
  public void setUp() {
    withOneMore = BenchmarkData.oneBreak(points + 1, 42);
    series = withOneMore.head(points);
    previous = fitter.fit(Bnsl.withBreaks(1), series);
  }

  /** Wide multi-start fit of a 1-break BNSL. */
  @Benchmark
  public Fit fitOneBreak() {
    return fitter.fit(Bnsl.withBreaks(1), series);
  }

  /** Selection over 0 to 3 breaks: up to 4 full fits and the holdout fits of supported ones. */
  @Benchmark
  public Selection selectBreaks() {
    return selector.select(series);
  }

  /** Warm-started refit of the 1-break fit after one new point. */
  @Benchmark
  public Fit warmRefitAfterOnePoint() {
    return fitter.refit(previous, withOneMore);
  }
}
