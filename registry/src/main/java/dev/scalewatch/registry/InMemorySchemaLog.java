package dev.scalewatch.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link SchemaLog} in a list; closing does not clear it, so a later registry over it sees a
 * restart. Thread-safe.
 */
final class InMemorySchemaLog implements SchemaLog {

  private final List<LogRecord> records = new ArrayList<>();

  @Override
  public void replay(Consumer<LogRecord> sink) {
    List<LogRecord> copy;
    synchronized (records) {
      copy = List.copyOf(records);
    }
    copy.forEach(sink);
  }

  @Override
  public void append(LogRecord record) {
    synchronized (records) {
      records.add(record);
    }
  }

  @Override
  public void close() {}
}
