package dev.scalewatch.app.fit;

import dev.scalewatch.laws.fit.Parameter;
import java.util.List;

/**
 * Everything {@code scalewatch fit} reports, in the metric's observed orientation (for a
 * higher-is-better metric, {@code lower}/{@code upper} are already swapped back).
 *
 * @param file the input file
 * @param form the chosen form's name
 * @param formula the chosen form's formula (in the fitted orientation)
 * @param fittedAs how y was fitted ("y" or "bound - y")
 * @param loss the loss minimized over log residuals ("squared" or "huber")
 * @param selection how the number of breaks was chosen, or null when fixed by options
 * @param parameters parameters with intervals
 * @param level confidence level
 * @param intervalMethod how intervals were computed
 * @param breaks transitions of the chosen law
 * @param fitted number of points fitted
 * @param heldOut number of largest-x points held out
 * @param rmsleIn in-sample RMSLE (natural log, fitted orientation)
 * @param rmsleOut RMSLE on the held-out points, NaN without a holdout
 * @param heldOutPoints held-out points with their predictions
 * @param forecasts predictions with bands beyond the largest x fitted
 * @param target the inverse forecast, or null without {@code --target}
 * @param fitTimeMs wall time of fitting and selection
 */
record FitReport(
    String file,
    String form,
    String formula,
    String fittedAs,
    String loss,
    SelectionSummary selection,
    List<Parameter> parameters,
    double level,
    String intervalMethod,
    List<BreakSummary> breaks,
    int fitted,
    int heldOut,
    double rmsleIn,
    double rmsleOut,
    List<Prediction> heldOutPoints,
    List<Prediction> forecasts,
    TargetSummary target,
    double fitTimeMs) {

  /** One candidate number of breaks. */
  record CandidateSummary(
      int breaks,
      double aicc,
      double holdoutRmsle,
      double score,
      boolean supported,
      boolean failed,
      String reason) {}

  /** The selection of the number of breaks. */
  record SelectionSummary(
      int breaks,
      String decidedBy,
      int holdout,
      double aiccMargin,
      double holdoutRatio,
      List<CandidateSummary> candidates) {}

  /** A break of the chosen law. */
  record BreakSummary(
      int index,
      String phase,
      Parameter location,
      Parameter sharpness,
      Parameter slopeChange,
      Parameter onset,
      Parameter end,
      boolean significant,
      boolean forecastBeyondData) {}

  /**
   * A prediction at x (and x2 for two-input forms).
   *
   * @param observed the observed value for held-out points, NaN for forecasts
   * @param inside whether the observed value lies in the prediction band
   */
  record Prediction(
      double x,
      double x2,
      double predicted,
      double lower,
      double upper,
      double observed,
      boolean inside) {}

  /** The answer to "which x reaches y = target". */
  record TargetSummary(
      double target, String status, double x, double lower, double upper, String reason) {}
}
