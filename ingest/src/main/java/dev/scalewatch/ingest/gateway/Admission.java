package dev.scalewatch.ingest.gateway;

/** Whether the stack takes new events now; the gateway asks before each batch. */
@FunctionalInterface
public interface Admission {

  /** Always takes events. */
  Admission OPEN = () -> null;

  /**
   * Why new events are refused right now (the gateway answers 503: retrying later can succeed), or
   * null while they are taken. Must answer quickly.
   */
  String refusal();
}
