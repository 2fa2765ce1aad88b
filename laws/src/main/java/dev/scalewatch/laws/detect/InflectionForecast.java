package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Parameter;

/**
 * A predicted break location or transition end beyond the largest x seen.
 *
 * @param index break number, 1-based
 * @param location predicted {@code d_i} with interval
 * @param end predicted end of the transition (90% of the slope change) with interval
 * @param atEnd predicted metric at the end of the transition, with bands
 * @param largestXSeen the largest x the fit saw
 * @param restsOnEvidence false when no point lies past the break's onset: the forecast then rests
 *     on no evidence of the break and must be read as a guess
 */
public record InflectionForecast(
    int index,
    Parameter location,
    Parameter end,
    Band atEnd,
    double largestXSeen,
    boolean restsOnEvidence) {

  /**
   * Hours until the largest x seen reaches the transition end at a given throughput.
   *
   * @param xPerHour growth of x per hour (e.g. tokens per hour); must be > 0
   * @throws IllegalArgumentException if {@code xPerHour <= 0}
   */
  public double hoursToEnd(double xPerHour) {
    if (!(xPerHour > 0)) {
      throw new IllegalArgumentException("xPerHour must be > 0: " + xPerHour);
    }
    return Math.max(0, end.value() - largestXSeen) / xPerHour;
  }
}
