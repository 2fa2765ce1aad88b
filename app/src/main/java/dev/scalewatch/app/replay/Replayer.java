package dev.scalewatch.app.replay;

import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.ingest.validate.EventValidator;
import dev.scalewatch.ingest.validate.Violation;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;

/**
 * Sends events at a chosen rate, checking each against the contract first (an invalid event is
 * reported with its index and not sent), with progress on stderr. Not thread-safe.
 */
public final class Replayer {

  /** What a replay did. */
  public record Result(long sent, long rejected, long failed) {}

  private final RawEventProducer producer;
  private final double eventsPerSecond;
  private final EventValidator validator = new EventValidator();

  public Replayer(RawEventProducer producer, double eventsPerSecond) {
    this.producer = producer;
    this.eventsPerSecond = eventsPerSecond;
  }

  public Result replay(List<SpecificRecord> events, PrintWriter err, boolean terminal) {
    Progress progress = new Progress(err, events.size(), terminal);
    AtomicLong failed = new AtomicLong();
    long rejected = 0;
    long started = System.nanoTime();
    for (int i = 0; i < events.size(); i++) {
      SpecificRecord event = events.get(i);
      List<Violation> violations = validator.validate(event);
      if (!violations.isEmpty()) {
        rejected++;
        err.println("scalewatch replay: event " + (i + 1) + " not sent: " + violations);
        continue;
      }
      throttle(started, i);
      producer.send(
          event,
          (metadata, e) -> {
            if (e != null && failed.getAndIncrement() == 0) {
              err.println("scalewatch replay: send failed: " + e.getMessage());
            }
          });
      progress.update(i + 1);
    }
    producer.flush();
    progress.finish(events.size());
    return new Result(events.size() - rejected - failed.get(), rejected, failed.get());
  }

  private void throttle(long started, int index) {
    if (eventsPerSecond <= 0) {
      return;
    }
    long due = started + (long) (index / eventsPerSecond * 1e9);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
