package dev.scalewatch.app.embedded;

import dev.scalewatch.app.config.ByteSize;
import dev.scalewatch.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new events before the disk of the data directory is full, and takes them again when space
 * returns.
 *
 * <p>A broker whose log directory runs out of space shuts down, and a single broker takes the whole
 * stack with it. So below {@code minFreeBytes} the stack stops taking new events while everything
 * inside keeps running on the reserve (the normalizer drains the raw topic, the jobs checkpoint):
 * the gateway answers 503, and the broker refuses produce requests to {@code scalewatch.raw}
 * ({@link RawWriteAuthorizer}), so it appends nothing and clients keep the events (the Python SDK
 * spools them). Writes resume once {@link #RESUME_FACTOR} times the reserve is free again, so the
 * state does not flap around the threshold.
 *
 * <p>Thread-safe: the state is read from request threads; one timer thread checks.
 */
public final class DiskGuard implements AutoCloseable {

  static final double RESUME_FACTOR = 1.1;
  private static final Logger log = LoggerFactory.getLogger(DiskGuard.class);

  private final Path directory;
  private final FileStore store;
  private final long minFreeBytes;
  private final ScheduledExecutorService timer;
  private volatile boolean accepting = true;
  private volatile long freeBytes;

  private DiskGuard(Path directory, FileStore store, long minFreeBytes) {
    this.directory = directory;
    this.store = store;
    this.minFreeBytes = minFreeBytes;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "scalewatch-disk-guard");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Checks once now (so a stack started on a full disk refuses from the start), then every
   * interval.
   */
  public static DiskGuard start(Path directory, long minFreeBytes, Duration interval)
      throws IOException {
    DiskGuard guard = new DiskGuard(directory, Files.getFileStore(directory), minFreeBytes);
    guard.check();
    guard.timer.scheduleWithFixedDelay(
        guard::checkQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return guard;
  }

  /** Whether new events are taken. */
  public boolean accepting() {
    return accepting;
  }

  /** Why new events are refused, for answers and logs; null while they are taken. */
  public String refusal() {
    if (accepting) {
      return null;
    }
    return String.format(
        "the disk of %s is nearly full (%s free, below the reserve of %s set by --min-free-disk);"
            + " new events are refused until %s are free",
        directory,
        ByteSize.format(freeBytes),
        ByteSize.format(minFreeBytes),
        ByteSize.format(resumeAt()));
  }

  /** For /health. */
  public Map<String, Object> details() {
    return Map.of(
        "freeBytes", freeBytes, "minFreeBytes", minFreeBytes, "acceptingEvents", accepting);
  }

  public Path directory() {
    return directory;
  }

  void check() {
    long free;
    try {
      free = store.getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the free space of " + directory, e);
    }
    freeBytes = free;
    if (accepting && free < minFreeBytes) {
      accepting = false;
      log.warn(
          "{}. The gateway answers 503 and the broker refuses writes to {}; free space to resume",
          refusal(),
          Topics.RAW);
    } else if (!accepting && free >= resumeAt()) {
      accepting = true;
      log.info("{} free on {} again: new events are taken", ByteSize.format(free), directory);
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("Disk check failed; trying again", e);
    }
  }

  private long resumeAt() {
    return (long) (minFreeBytes * RESUME_FACTOR);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
