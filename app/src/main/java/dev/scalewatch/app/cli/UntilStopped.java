package dev.scalewatch.app.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a service command in the foreground until SIGTERM or Ctrl-C, then stops its parts. */
final class UntilStopped {

  private static final Logger log = LoggerFactory.getLogger(UntilStopped.class);

  private UntilStopped() {}

  /** Blocks until the JVM is asked to stop; then closes {@code parts} in the order given. */
  static void await(String name, AutoCloseable... parts) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable part : parts) {
                    try {
                      part.close();
                    } catch (Exception e) {
                      log.warn("Stopping {} failed; continuing with the rest", part, e);
                    }
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    stopped.await();
  }
}
