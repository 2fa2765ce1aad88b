package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import java.util.ArrayList;
import java.util.List;

/**
 * "The law broke": new points outside the prediction band of the previous fit. Pure functions;
 * thread-safe.
 */
public final class LawBreakDetector {

  private LawBreakDetector() {}

  /**
   * Checks new points against {@code previous}'s prediction band.
   *
   * @param previous the fit made before these points arrived
   * @param newPoints the points that arrived since
   * @param minOutside how many points outside the band make the law broken (>= 1)
   * @throws IllegalArgumentException if {@code minOutside < 1}
   */
  public static LawBreak check(Fit previous, Series newPoints, int minOutside) {
    if (minOutside < 1) {
      throw new IllegalArgumentException("lawBreak.minOutside must be >= 1: " + minOutside);
    }
    List<LawBreak.Deviation> out = new ArrayList<>();
    int outside = 0;
    for (int i = 0; i < newPoints.size(); i++) {
      Band band = previous.band(newPoints.x(i), newPoints.x2(i));
      double y = newPoints.y(i);
      boolean off = !band.contains(y);
      outside += off ? 1 : 0;
      out.add(new LawBreak.Deviation(newPoints.x(i), y, band, Math.log(y / band.y()), off));
    }
    return new LawBreak(outside >= minOutside, out, outside, previous.level());
  }
}
