package dev.scalewatch.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A sink that collects every value of a MiniCluster job into one static queue per test class. */
public final class CollectingSink<T> implements Sink<T> {

  private static final Queue<Object> VALUES = new ConcurrentLinkedQueue<>();

  /** Every value collected so far, of any sink instance. */
  public static List<Object> values() {
    return new ArrayList<>(VALUES);
  }

  public static void clear() {
    VALUES.clear();
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        VALUES.add(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
