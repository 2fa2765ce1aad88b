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
 * Selection over 0 to 3 breaks on the noiseless 1-break BNSL example of SCIENCE.md (x = 1..n of the
 * BNSL paper's 4-digit-addition simulation), where the wide search explores on a thinned subset and
 * polishes on all points. Sample-time mode reports the median (p0.50) per call.
 *
 * <p>Run (after {@code mvn -pl laws,benchmarks package -DskipTests}):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar NoiselessSelectionBenchmark -rf text</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NoiselessSelectionBenchmark {

  /** a, b, c0, c1, d1, f1 of the example. */
  static final double[] EXAMPLE = {
    0.41388453071629455,
    2.2772722897737556,
    0.055077348404973955,
    5.662903816010331,
    612.5836172918001,
    0.059193036393742314
  };

  @Param({"4000"})
  public int points;

  private final Selector selector = new Selector();
  private Series series;

  @Setup
  public void setUp() {
    Bnsl form = Bnsl.withBreaks(1);
    double[] theta = form.toInternal(EXAMPLE);
    double[] x = new double[points];
    double[] y = new double[points];
    for (int i = 0; i < points; i++) {
      x[i] = i + 1;
      y[i] = form.value(theta, x[i]);
    }
    series = Series.of(x, y);
  }

  /** Selection over 0 to 3 breaks: up to 4 full fits and the holdout fits of supported ones. */
  @Benchmark
  public Selection selectBreaks() {
    return selector.select(series);
  }
}
