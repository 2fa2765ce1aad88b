package dev.scalewatch.app.serve;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service has started, stopped in reverse order: a part that fails to stop is logged and the
 * rest still stop. Start and close from one thread (close is idempotent).
 */
public final class StartedParts implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StartedParts.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** Remembers {@code part} to stop it before everything tracked earlier; returns it. */
  public <T extends AutoCloseable> T track(T part) {
    started.push(part);
    return part;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn(
            "Stopping {} failed; continuing with the rest", part.getClass().getSimpleName(), e);
      }
    }
  }
}
