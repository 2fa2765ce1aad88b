package dev.scalewatch.ingest.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How to start a run: its project and metadata, and where the broker and registry are. Build with
 * {@link #builder(String)}; addresses default to {@code $SCALEWATCH_BOOTSTRAP_SERVERS} and {@code
 * $SCALEWATCH_REGISTRY_URL}, else the embedded stack's.
 *
 * @param project project (or sweep) the run belongs to
 * @param runId unique id of the run; generated when not given
 * @param parameters parameter count N, or null
 * @param tokensPlanned planned training tokens D, or null
 * @param config hyperparameters (rendered as text)
 * @param tags free-form labels
 * @param bootstrapServers Kafka bootstrap servers
 * @param registryUrl schema registry URL
 */
public record RunOptions(
    String project,
    String runId,
    Long parameters,
    Long tokensPlanned,
    Map<String, String> config,
    Map<String, String> tags,
    String bootstrapServers,
    String registryUrl) {

  public RunOptions {
    if (project == null || project.isBlank()) {
      throw new IllegalArgumentException(
          "project must be set, e.g. RunOptions.builder(\"sweep-7\")");
    }
    Objects.requireNonNull(runId, "runId");
    config = Map.copyOf(config);
    tags = Map.copyOf(tags);
  }

  public static Builder builder(String project) {
    return new Builder(project);
  }

  /** Builds {@link RunOptions}; not thread-safe. */
  public static final class Builder {
    private final String project;
    private String runId = UUID.randomUUID().toString();
    private Long parameters;
    private Long tokensPlanned;
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String bootstrapServers = env("SCALEWATCH_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    private String registryUrl = env("SCALEWATCH_REGISTRY_URL", "http://127.0.0.1:8081");

    private Builder(String project) {
      this.project = project;
    }

    public Builder runId(String runId) {
      this.runId = runId;
      return this;
    }

    public Builder params(long parameters) {
      this.parameters = parameters;
      return this;
    }

    public Builder tokensPlanned(long tokens) {
      this.tokensPlanned = tokens;
      return this;
    }

    /** Adds hyperparameters; values are rendered with {@code String.valueOf}. */
    public Builder config(Map<String, ?> hyperparameters) {
      hyperparameters.forEach((k, v) -> config.put(k, String.valueOf(v)));
      return this;
    }

    public Builder tag(String name, String value) {
      tags.put(name, value);
      return this;
    }

    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = servers;
      return this;
    }

    public Builder registryUrl(String url) {
      this.registryUrl = url;
      return this;
    }

    public RunOptions build() {
      return new RunOptions(
          project, runId, parameters, tokensPlanned, config, tags, bootstrapServers, registryUrl);
    }

    private static String env(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isBlank() ? fallback : value;
    }
  }
}
