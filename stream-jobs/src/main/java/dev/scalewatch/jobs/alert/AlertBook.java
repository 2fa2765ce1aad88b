package dev.scalewatch.jobs.alert;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The firing alerts of one key, kept in keyed state: an alert id fires once and resolves once, so
 * an episode never pages twice however often its condition is seen again. The alert records are
 * state changes of a stable id (FIRING, then RESOLVED with the same id), which is what an
 * idempotent receiver needs.
 *
 * <p>Used from one keyed operator; not thread-safe (Flink calls it from the task thread only).
 */
public final class AlertBook {

  /** The state descriptor; operators register it in {@code open}. */
  public static MapStateDescriptor<String, Alert> descriptor() {
    return new MapStateDescriptor<>("firing-alerts", Types.STRING, TypeInformation.of(Alert.class));
  }

  private final MapState<String, Alert> firing;

  public AlertBook(MapState<String, Alert> firing) {
    this.firing = firing;
  }

  /** Emits {@code alert} (state FIRING) unless its id already fires; returns whether it did. */
  public boolean fire(Alert alert, Consumer<Alert> out) throws Exception {
    if (firing.contains(alert.getId())) {
      return false;
    }
    firing.put(alert.getId(), alert);
    out.accept(alert);
    return true;
  }

  /**
   * Emits the RESOLVED record of a firing alert (same id, {@code ends_at} set, the summary extended
   * by {@code why}); does nothing when the id does not fire.
   */
  public boolean resolve(String id, long endsAt, String why, Consumer<Alert> out) throws Exception {
    Alert alert = firing.get(id);
    if (alert == null) {
      return false;
    }
    firing.remove(id);
    out.accept(
        Alert.newBuilder(alert)
            .setState(AlertState.RESOLVED)
            .setEndsAt(
                java.time.Instant.ofEpochMilli(
                    Math.max(endsAt, alert.getStartsAt().toEpochMilli())))
            .setSummary(alert.getSummary() + "; resolved: " + why)
            .build());
    return true;
  }

  /** Resolves every firing alert whose id starts with {@code prefix}. */
  public void resolveAll(String prefix, long endsAt, String why, Consumer<Alert> out)
      throws Exception {
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (String id : firing.keys()) {
      if (id.startsWith(prefix)) {
        ids.add(id);
      }
    }
    for (String id : ids) {
      resolve(id, endsAt, why, out);
    }
  }
}
