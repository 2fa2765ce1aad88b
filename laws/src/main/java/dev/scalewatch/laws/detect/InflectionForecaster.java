package dev.scalewatch.laws.detect;

import dev.scalewatch.laws.fit.Fit;
import java.util.ArrayList;
import java.util.List;

/**
 * Forecasts breaks whose location or transition end lies beyond the largest x seen: the alert "an
 * inflection is coming", with its interval. Pure functions; thread-safe.
 */
public final class InflectionForecaster {

  private InflectionForecaster() {}

  /**
   * Forecasts for every break of {@code fit} whose location or end lies beyond the largest x in
   * {@code xs}; empty when all transitions are complete or the fit has no breaks.
   */
  public static List<InflectionForecast> forecast(Fit fit, double[] xs) {
    double xMax = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      xMax = Math.max(xMax, x);
    }
    List<InflectionForecast> out = new ArrayList<>();
    for (Transition t : TransitionDetector.detect(fit, xs)) {
      if (t.end().value() > xMax) {
        out.add(
            new InflectionForecast(
                t.index(),
                t.location(),
                t.end(),
                fit.band(t.end().value()),
                xMax,
                t.pointsAfterOnset() > 0));
      }
    }
    return out;
  }
}
