package dev.scalewatch.app.replay;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise
 * (logs and CI). Not thread-safe: call from the sending thread.
 */
final class Progress {

  private static final int WIDTH = 30;
  private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
  private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

  private final PrintWriter err;
  private final long total;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long lastDrawn;

  Progress(PrintWriter err, long total, boolean terminal) {
    this.err = err;
    this.total = total;
    this.terminal = terminal;
  }

  void update(long done) {
    long now = System.nanoTime();
    if (now - lastDrawn < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
      return;
    }
    lastDrawn = now;
    draw(done, now);
  }

  void finish(long done) {
    draw(done, System.nanoTime());
    if (terminal) {
      err.println();
    }
    err.flush();
  }

  private void draw(long done, long now) {
    double fraction = total == 0 ? 1 : (double) done / total;
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    double rate = done / seconds;
    String line =
        String.format(
            Locale.ROOT,
            "replay [%s%s] %3.0f%% %d/%d events %,.0f ev/s",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            fraction * 100,
            done,
            total,
            rate);
    if (terminal) {
      err.print("\r" + line);
    } else {
      err.println(line);
    }
    err.flush();
  }
}
