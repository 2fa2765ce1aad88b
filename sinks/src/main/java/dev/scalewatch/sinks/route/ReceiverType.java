package dev.scalewatch.sinks.route;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of alert receiver: each has its own payload (see {@link PayloadFormat}). */
public enum ReceiverType {
  /** A generic JSON webhook: one object per alert with the contract's fields. */
  WEBHOOK,
  /** A Slack-compatible incoming webhook: {@code text} and {@code blocks}. */
  SLACK,
  /** Prometheus Alertmanager's API v2: {@code POST <url>/api/v2/alerts}, re-sent while firing. */
  ALERTMANAGER;

  /** The name used in the config: {@code webhook}, {@code slack}, {@code alertmanager}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The type of a config name, case-insensitive.
   *
   * @throws IllegalArgumentException naming the value and the types there are
   */
  public static ReceiverType parse(String name) {
    for (ReceiverType type : values()) {
      if (type.configName().equalsIgnoreCase(name.trim())) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "alert-receivers: unknown receiver type '"
            + name
            + "' (use one of "
            + Arrays.stream(values())
                .map(ReceiverType::configName)
                .collect(Collectors.joining(", "))
            + ")");
  }
}
