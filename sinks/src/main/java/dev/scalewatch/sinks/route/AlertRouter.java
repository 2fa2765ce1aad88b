package dev.scalewatch.sinks.route;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each alert to the receivers its project routes to, and keeps the alerts firing now: those
 * routed to an Alertmanager are sent again every resend interval until they resolve (Alertmanager
 * resolves an alert it stops hearing about). {@link #remember} takes an alert into that state
 * without delivering it (history read again at start); {@link #route} also delivers.
 *
 * <p>{@code scalewatch_alerts_firing{kind}} is the number of alerts firing now. Thread-safe; the
 * deliveries run on each receiver's own thread and never block the caller.
 */
public final class AlertRouter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlertRouter.class);
  private static final Duration DRAIN_AT_CLOSE = Duration.ofSeconds(5);

  private final RoutingConfig config;
  private final Map<String, ReceiverWorker> workers = new LinkedHashMap<>();
  private final Map<String, Alert> firing = new ConcurrentHashMap<>();
  private final ScheduledExecutorService resender;

  private AlertRouter(RoutingConfig config, String dashboardUrl, MeterRegistry registry) {
    this.config = config;
    for (Receiver receiver : config.receivers()) {
      workers.put(
          receiver.name(),
          new ReceiverWorker(
              receiver, config, alert -> DashboardLinks.forAlert(dashboardUrl, alert), registry));
    }
    for (AlertKind kind : AlertKind.values()) {
      Gauge.builder("scalewatch_alerts_firing", () -> firingOf(kind))
          .description("Alerts firing now, by kind")
          .tag("kind", kind.name())
          .register(registry);
    }
    resender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "scalewatch-alerts-resend");
              thread.setDaemon(true);
              return thread;
            });
    long period = config.resendInterval().toMillis();
    resender.scheduleAtFixedRate(this::resendFiring, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts a worker per receiver and the periodic re-send.
   *
   * @param dashboardUrl the dashboard's base URL, for the links in the payloads
   */
  public static AlertRouter start(
      RoutingConfig config, String dashboardUrl, MeterRegistry registry) {
    return new AlertRouter(config, dashboardUrl, registry);
  }

  /** Takes the alert's state without delivering it. */
  public void remember(Alert alert) {
    if (alert.getState() == AlertState.FIRING) {
      firing.put(alert.getId(), alert);
    } else {
      firing.remove(alert.getId());
    }
  }

  /** Takes the alert's state and queues it for every receiver its project routes to. */
  public void route(Alert alert) {
    remember(alert);
    for (ReceiverWorker worker : workersFor(alert)) {
      worker.offer(alert);
    }
  }

  /**
   * Sends every alert firing now to the Alertmanagers it routes to, unless already waiting there
   * (called on schedule, and once at start so that an Alertmanager hears again of what fired before
   * a restart).
   */
  public void resendFiring() {
    try {
      for (Alert alert : firing.values()) {
        for (ReceiverWorker worker : workersFor(alert)) {
          if (worker.receiver().type() == ReceiverType.ALERTMANAGER) {
            worker.offerUnlessWaiting(alert);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("Re-sending firing alerts failed; trying again next interval", e);
    }
  }

  private List<ReceiverWorker> workersFor(Alert alert) {
    List<ReceiverWorker> targets = new ArrayList<>();
    for (String name : config.receiversFor(alert.getProject())) {
      targets.add(workers.get(name));
    }
    return targets;
  }

  /** Alerts firing now. */
  public int firingCount() {
    return firing.size();
  }

  private long firingOf(AlertKind kind) {
    return firing.values().stream().filter(a -> a.getKind() == kind).count();
  }

  /** Whether every receiver's queue is empty and nothing is in flight. */
  public boolean idle() {
    return workers.values().stream().allMatch(ReceiverWorker::idle);
  }

  /** Stops re-sending; gives the receivers up to 5 s together to empty their queues. */
  @Override
  public void close() throws InterruptedException {
    resender.shutdownNow();
    long deadline = System.nanoTime() + DRAIN_AT_CLOSE.toNanos();
    for (ReceiverWorker worker : workers.values()) {
      worker.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
  }
}
