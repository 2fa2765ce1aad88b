package dev.scalewatch.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The state of each component of the stack, as {@code GET /health} reports it.
 *
 * <p>Each component registers a name, the address users connect to, and a check that answers
 * quickly. Thread-safe once built; checks run on the caller's thread.
 */
public final class Health {

  /**
   * One component's answer; {@code details} holds figures a component reports beside its state
   * (e.g. the normalizer's lag), omitted from the JSON when there are none.
   */
  public record ComponentStatus(
      String status,
      String address,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> details) {}

  /** The whole answer: UP only when every component is UP. */
  public record Report(String status, Map<String, ComponentStatus> components) {
    public boolean healthy() {
      return "UP".equals(status);
    }
  }

  private record Component(
      String address, BooleanSupplier check, Supplier<Map<String, Object>> details) {}

  private final Map<String, Component> components = new LinkedHashMap<>();

  /** Adds a component; call before the HTTP server starts. */
  public Health register(String name, String address, BooleanSupplier check) {
    return register(name, address, check, Map::of);
  }

  /**
   * Adds a component with details reported beside its state (they must answer quickly; one that
   * throws is left out).
   */
  public Health register(
      String name, String address, BooleanSupplier check, Supplier<Map<String, Object>> details) {
    components.put(name, new Component(address, check, details));
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
      Map<String, Object> details;
      try {
        details = entry.getValue().details().get();
      } catch (RuntimeException e) {
        details = Map.of();
      }
      statuses.put(
          entry.getKey(),
          new ComponentStatus(up ? "UP" : "DOWN", entry.getValue().address(), details));
    }
    return new Report(allUp ? "UP" : "DOWN", statuses);
  }
}
