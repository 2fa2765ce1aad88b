package dev.scalewatch.sinks.store;

/**
 * Which series to read and how finely: the points of {@code metric} on {@code split} of one run,
 * steps from {@code fromStep} to {@code toStep} inclusive (null: the series' first or last step),
 * in at most {@code buckets} buckets.
 */
public record SeriesRequest(
    String project,
    String runId,
    String metric,
    String split,
    Long fromStep,
    Long toStep,
    int buckets) {

  /** The most buckets a request may ask for. */
  public static final int MAX_BUCKETS = 100_000;

  public SeriesRequest {
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "buckets must be between 1 and " + MAX_BUCKETS + ": " + buckets);
    }
    if (fromStep != null && toStep != null && fromStep > toStep) {
      throw new IllegalArgumentException("from must be <= to: " + fromStep + " > " + toStep);
    }
  }
}
