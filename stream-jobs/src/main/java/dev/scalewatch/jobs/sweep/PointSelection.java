package dev.scalewatch.jobs.sweep;

import java.io.Serializable;
import java.util.Locale;

/**
 * Which eval of a run is its point in a sweep (parameters, tokens or compute across runs): its
 * latest (by step), or the one at a given step or token count, so that runs of different lengths
 * are compared at the same point of training. Immutable and serializable.
 *
 * @param kind latest, at a step, or at a token count
 * @param at the step or token count (0 for latest)
 */
public record PointSelection(Kind kind, long at) implements Serializable {

  /** The latest eval of each run. */
  public static final PointSelection LATEST = new PointSelection(Kind.LATEST, 0);

  /** How a run's point is chosen. */
  public enum Kind {
    LATEST,
    STEP,
    TOKENS
  }

  /**
   * Parses {@code latest}, {@code step:N} or {@code tokens:N}.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  public static PointSelection parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("latest")) {
      return LATEST;
    }
    int colon = t.indexOf(':');
    if (colon > 0) {
      try {
        long at = Long.parseLong(t.substring(colon + 1).replace("_", ""));
        if (at > 0) {
          switch (t.substring(0, colon)) {
            case "step":
              return new PointSelection(Kind.STEP, at);
            case "tokens":
              return new PointSelection(Kind.TOKENS, at);
            default:
              break;
          }
        }
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException(
        "sweep-point must be latest, step:N or tokens:N with N > 0: " + text);
  }

  /** Whether an eval at {@code step} with {@code tokens} seen (null if unknown) may be a point. */
  boolean accepts(long step, Long tokens) {
    return switch (kind) {
      case LATEST -> true;
      case STEP -> step == at;
      case TOKENS -> tokens != null && tokens == at;
    };
  }
}
