package dev.scalewatch.jobs.testing;

import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A source that emits a list and then stays open without emitting, like a Kafka topic after its
 * last record: processing-time timers keep firing (a bounded source would end the job first). Past
 * the list it generates {@code idle} values at a low rate, which are filtered out.
 */
public final class ListThenIdleSource {

  private ListThenIdleSource() {}

  public static <T> DataStream<T> of(
      StreamExecutionEnvironment env,
      List<T> values,
      T idle,
      TypeInformation<T> type,
      WatermarkStrategy<T> watermarks,
      String name) {
    GeneratorFunction<Long, T> generator =
        index -> index < values.size() ? values.get((int) (long) index) : idle;
    return env.fromSource(
            new DataGeneratorSource<>(
                generator, Long.MAX_VALUE, RateLimiterStrategy.perSecond(2000), type),
            watermarks,
            name)
        .setParallelism(1)
        .filter(v -> !Objects.equals(v, idle))
        .returns(type)
        .setParallelism(1);
  }
}
