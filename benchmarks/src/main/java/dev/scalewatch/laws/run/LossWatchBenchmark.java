package dev.scalewatch.laws.run;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Random;
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
 * The cost of one {@link LossWatch#offer} (the Flink run monitor calls it once per metric point)
 * after a history of {@code history} points: a noisy power-law loss fed point by point in setup,
 * the state then copied into 1024 series so that the measured calls rotate over keys as an operator
 * does and each series' history grows by only a few thousand points during the run. The values
 * offered are generated in setup. Average time per call.
 *
 * <p>Run (after {@code mvn -pl laws,benchmarks package -DskipTests}):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar LossWatchBenchmark -rf text</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class LossWatchBenchmark {

  private static final int SERIES = 1024;
  private static final int AHEAD = 1 << 16;

  @Param({"1000", "1000000"})
  public int history;

  private final LossWatch watch = LossWatch.defaults();
  private LossWatchState[] states;
  private double[] ahead;
  private int next;

  @Setup
  public void setUp() throws IllegalAccessException {
    Random r = new Random(42);
    LossWatchState fed = new LossWatchState();
    for (long s = 1; s <= history; s++) {
      watch.offer(fed, s, loss(s, r));
    }
    ahead = new double[AHEAD];
    for (int i = 0; i < AHEAD; i++) {
      ahead[i] = loss(history + 1L + i, r);
    }
    states = new LossWatchState[SERIES];
    for (int i = 0; i < SERIES; i++) {
      states[i] = copy(fed);
    }
  }

  /** One point offered to the next series; usually decides nothing, as in a healthy run. */
  @Benchmark
  public List<RunEvent> offer() {
    LossWatchState s = states[next];
    next = (next + 1) & (SERIES - 1);
    long step = s.lastStep + 1;
    return watch.offer(s, step, ahead[(int) ((step - history - 1) & (AHEAD - 1))]);
  }

  private static double loss(long step, Random r) {
    return (2 + 10 * Math.pow(step, -0.3)) * (1 + 0.02 * r.nextGaussian());
  }

  private static LossWatchState copy(LossWatchState from) throws IllegalAccessException {
    LossWatchState to = new LossWatchState();
    for (Field f : LossWatchState.class.getFields()) {
      Object v = f.get(from);
      if (v instanceof long[] a) {
        v = a.clone();
      } else if (v instanceof double[] a) {
        v = a.clone();
      }
      f.set(to, v);
    }
    return to;
  }
}
