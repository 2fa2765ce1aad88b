package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Recognizes retried duplicates: a metric point with the same project, run, metric, split and step,
 * or an eval result with the same project, run, task, metric, shots and step, whose value equals
 * the last value seen for that key (bit for bit after NaN canonicalization, so NaN repeats NaN; 0.0
 * and -0.0 differ). A different value at the same step is not a duplicate: it passes and becomes
 * the value remembered.
 *
 * <p>The store is bounded (an LRU map per partition, see {@link NormalizerTopology}): past the
 * bound the least recently seen key is forgotten and a later retry of it passes as new. Only the
 * last value per key is remembered, so A, B, A at one step passes all three. Not thread-safe: one
 * per stream task.
 */
final class Deduplicator {

  /**
   * An odd constant (2^64 / golden ratio): multiplying by it is a bijection that spreads a step's
   * bits.
   */
  private static final long SPREAD = 0x9E3779B97F4A7C15L;

  private static final byte METRIC = 'M';
  private static final byte EVAL = 'E';

  private final KeyValueStore<Bytes, byte[]> seen;

  Deduplicator(KeyValueStore<Bytes, byte[]> seen) {
    this.seen = seen;
  }

  /**
   * Returns true if the point repeats the last value seen at its key; remembers its value
   * otherwise.
   */
  boolean isRepeat(MetricPoint point) {
    Bytes key =
        key(
            METRIC,
            point.getStep(),
            -1,
            point.getProject(),
            point.getRunId(),
            point.getMetric(),
            point.getSplit());
    return checkAndRemember(key, point.getValue());
  }

  /**
   * Returns true if the result repeats the last value seen at its key; remembers its value
   * otherwise.
   */
  boolean isRepeat(EvalResult eval) {
    int shots = eval.getShots() == null ? -1 : eval.getShots();
    Bytes key =
        key(
            EVAL,
            eval.getStep(),
            shots,
            eval.getProject(),
            eval.getRunId(),
            eval.getTask(),
            eval.getMetric());
    return checkAndRemember(key, eval.getValue());
  }

  private boolean checkAndRemember(Bytes key, double value) {
    long bits = Double.doubleToLongBits(value);
    byte[] last = seen.get(key);
    if (last != null && ByteBuffer.wrap(last).getLong() == bits) {
      return true;
    }
    seen.put(key, ByteBuffer.allocate(Long.BYTES).putLong(bits).array());
    return false;
  }

  /**
   * Encodes kind, step, shots and length-prefixed UTF-8 names, so that no two keys are equal. The
   * step is stored multiplied by {@link #SPREAD}: {@code Bytes.hashCode} is a base-31 polynomial
   * over the bytes, under which consecutive small steps collide in hash buckets by the hundreds.
   */
  private static Bytes key(byte kind, long step, int shots, String... names) {
    byte[][] encoded = new byte[names.length][];
    int size = 1 + Long.BYTES + Integer.BYTES;
    for (int i = 0; i < names.length; i++) {
      encoded[i] = names[i].getBytes(StandardCharsets.UTF_8);
      size += Integer.BYTES + encoded[i].length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size).put(kind).putLong(step * SPREAD).putInt(shots);
    for (byte[] name : encoded) {
      buffer.putInt(name.length).put(name);
    }
    return Bytes.wrap(buffer.array());
  }
}
