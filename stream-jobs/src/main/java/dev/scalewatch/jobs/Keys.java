package dev.scalewatch.jobs;

import dev.scalewatch.schemas.RunKey;

/**
 * Keys of the stream jobs' state and output records. A run is its project and run id together,
 * encoded as the {@code scalewatch.runs} record key ({@link RunKey}), so two projects that both log
 * {@code run-1} never share state. Sweep keys join their parts with {@code /}, each part escaped
 * ({@code %} as {@code %25}, {@code /} as {@code %2F}) so that a slash inside a name cannot make
 * two different keys equal. Stateless.
 */
public final class Keys {

  private Keys() {}

  /** The key of a run: {@code project/run_id}, as {@link RunKey#of}. */
  public static String run(String project, String runId) {
    return RunKey.of(project, runId);
  }

  /** Joins parts with {@code /}, escaping each part. */
  public static String join(String... parts) {
    StringBuilder key = new StringBuilder();
    for (String part : parts) {
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(escape(part));
    }
    return key.toString();
  }

  static String escape(String part) {
    if (part.indexOf('%') < 0 && part.indexOf('/') < 0) {
      return part;
    }
    return part.replace("%", "%25").replace("/", "%2F");
  }
}
