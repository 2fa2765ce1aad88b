package dev.scalewatch.app.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The state of each component of the stack, as {@code GET /health} reports it.
 *
 * <p>Each component registers a name, the address users connect to, and a check that answers
 * quickly. Thread-safe once built; checks run on the caller's thread.
 */
public final class Health {

  /** One component's answer. */
  public record ComponentStatus(String status, String address) {}

  /** The whole answer: UP only when every component is UP. */
  public record Report(String status, Map<String, ComponentStatus> components) {
    public boolean healthy() {
      return "UP".equals(status);
    }
  }

  private record Component(String address, BooleanSupplier check) {}

  private final Map<String, Component> components = new LinkedHashMap<>();

  /** Adds a component; call before the HTTP server starts. */
  public Health register(String name, String address, BooleanSupplier check) {
    components.put(name, new Component(address, check));
    return this;
  }

  public Report check() {
    Map<String, ComponentStatus> statuses = new LinkedHashMap<>();
    boolean allUp = true;
    for (Map.Entry<String, Component> entry : components.entrySet()) {
      boolean up;
      try {
        up = entry.getValue().check().getAsBoolean();
      } catch (RuntimeException e) {
        up = false;
      }
      allUp &= up;
      statuses.put(
          entry.getKey(), new ComponentStatus(up ? "UP" : "DOWN", entry.getValue().address()));
    }
    return new Report(allUp ? "UP" : "DOWN", statuses);
  }
}
