package dev.scalewatch.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * The identity of a run, project + run id, as the record key of {@link Topics#RUNS}: {@code
 * <project>/<run_id>} with {@code %} and {@code /} in the project written as {@code %25} and {@code
 * %2F}; the run id follows the first {@code /} unchanged. So {@code sweep-7/r1}, and a project
 * {@code a/b} with run {@code c/d} is {@code a%2Fb/c/d}: two projects using the same run id get two
 * keys, and compaction keeps both.
 *
 * <p>A run's Run record still goes to the partition its run id alone hashes to ({@link
 * #partition}), the one its points and evals (keyed by run id) use, so the topics stay
 * co-partitioned. Immutable and thread-safe.
 *
 * @param project the run's project
 * @param runId the run id within the project
 */
public record RunKey(String project, String runId) {

  /** Checks that both parts are present. */
  public RunKey {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(runId, "runId");
  }

  /** Returns the encoded key, e.g. {@code sweep-7/r1}. */
  public static String of(String project, String runId) {
    return new RunKey(project, runId).encoded();
  }

  /** Returns the encoded key. */
  public String encoded() {
    return project.replace("%", "%25").replace("/", "%2F") + "/" + runId;
  }

  /**
   * Decodes a key written by {@link #encoded()}.
   *
   * @throws IllegalArgumentException if it has no {@code /} or a bad escape in the project
   */
  public static RunKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "run key '" + key + "' has no '/': expected <project>/<run_id>");
    }
    String project = key.substring(0, slash);
    StringBuilder decoded = new StringBuilder(project.length());
    for (int i = 0; i < project.length(); i++) {
      char c = project.charAt(i);
      if (c != '%') {
        decoded.append(c);
      } else if (project.startsWith("%25", i)) {
        decoded.append('%');
        i += 2;
      } else if (project.startsWith("%2F", i)) {
        decoded.append('/');
        i += 2;
      } else {
        throw new IllegalArgumentException(
            "run key '" + key + "' has a bad escape at " + i + ": only %25 and %2F are used");
      }
    }
    return new RunKey(decoded.toString(), key.substring(slash + 1));
  }

  /**
   * Returns the partition of a run's records among {@code partitions}: the one Kafka's default
   * partitioner picks for the run id as key (murmur2 of its UTF-8 bytes), as for its points.
   */
  public static int partition(String runId, int partitions) {
    return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
