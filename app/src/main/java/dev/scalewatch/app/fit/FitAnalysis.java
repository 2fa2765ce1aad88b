package dev.scalewatch.app.fit;

import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.detect.InflectionForecast;
import dev.scalewatch.laws.detect.InflectionForecaster;
import dev.scalewatch.laws.detect.InverseForecast;
import dev.scalewatch.laws.detect.InverseForecaster;
import dev.scalewatch.laws.detect.Transition;
import dev.scalewatch.laws.detect.TransitionDetector;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Candidate;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.FitOptions;
import dev.scalewatch.laws.fit.Fitter;
import dev.scalewatch.laws.fit.Loss;
import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.fit.Selection;
import dev.scalewatch.laws.fit.Selector;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.laws.form.Chinchilla;
import dev.scalewatch.laws.form.Form;
import dev.scalewatch.laws.form.Kaplan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the fit behind {@code scalewatch fit}: orients the metric, holds out the largest-x points,
 * fits (or selects the number of breaks), and gathers parameters, breaks, forecasts and the inverse
 * forecast into a {@link FitReport}. Stateless; thread-safe.
 */
final class FitAnalysis {

  /** Decades beyond the largest x searched by the inverse forecast. */
  static final double TARGET_DECADES = 6;

  /** Factors of the largest fitted x at which forecasts are reported. */
  static final double[] FORECAST_FACTORS = {Math.sqrt(10), 10, 100};

  /** The options of one run. */
  record Settings(
      String formName,
      Integer breaks,
      int holdout,
      Metric metric,
      Double target,
      String file,
      Loss loss) {}

  /** The report plus what the plot needs. */
  record Result(FitReport report, Fit fit, Series train, Series held) {}

  private FitAnalysis() {}

  static Result run(Points points, Settings s) throws InputException {
    Form form = fixedForm(s);
    Series all = orient(points, s.metric(), form);
    int n = all.size();
    if (s.holdout() < 0 || s.holdout() >= n) {
      throw new InputException(
          String.format(
              Locale.ROOT,
              "--holdout must be in 0..%d (less than the number of points): %d >= %d (use at most"
                  + " %d)",
              n - 1,
              s.holdout(),
              n,
              n - 1));
    }
    Series train = all.head(n - s.holdout());
    Series held = all.tail(s.holdout());
    long t0 = System.nanoTime();
    Fitter fitter = new Fitter(FitOptions.builder().loss(s.loss()).build());
    Fit fit;
    Selection selection = null;
    try {
      if (form == null) {
        selection = new Selector(fitter, Bnsl.MAX_BREAKS, 0).select(train);
        fit = selection.fit();
      } else {
        fit = fitter.fit(form, train);
      }
    } catch (IllegalArgumentException e) {
      throw new InputException(
          e.getMessage()
              + (s.holdout() > 0
                  ? " (" + train.size() + " points left after --holdout " + s.holdout() + ")"
                  : ""));
    } catch (IllegalStateException e) {
      throw new InputException(e.getMessage() + hint(s, form));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Metric m = s.metric();
    List<FitReport.Prediction> heldOut = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      heldOut.add(
          prediction(fit.band(held.x(i), held.x2(i)), held.x2(i), m, m.toObserved(held.y(i))));
    }
    List<FitReport.Prediction> forecasts = new ArrayList<>();
    for (double f : FORECAST_FACTORS) {
      double x2 = train.hasSecondInput() ? train.x2(train.size() - 1) * f : Double.NaN;
      forecasts.add(prediction(fit.band(train.xMax() * f, x2), x2, m, Double.NaN));
    }
    FitReport report =
        new FitReport(
            s.file(),
            fit.form().name(),
            fit.form().formula(),
            m.direction() == Metric.Direction.LOWER_IS_BETTER
                ? "y"
                : String.format(Locale.ROOT, "%s - y", m.bound()),
            fit.loss().name(),
            selection == null ? null : summary(selection),
            fit.parameters(),
            fit.level(),
            fit.loss().robust()
                ? String.format(
                    Locale.ROOT,
                    "case bootstrap, %d resamples, covariance with Student-t; Huber delta %s",
                    fitter.options().resamples(),
                    fit.loss().delta())
                : "Jacobian (delta method, Student-t)",
            breaks(fit, train),
            train.size(),
            held.size(),
            fit.rmsle(),
            held.size() == 0 ? Double.NaN : fit.rmsle(held),
            heldOut,
            forecasts,
            target(fit, s),
            ms);
    return new Result(report, fit, train, held);
  }

  /** What to try after a failed fit, without suggesting an option the user already gave. */
  static String hint(Settings s, Form form) {
    List<String> tries = new ArrayList<>();
    if (form == null) {
      tries.add("fix the law with --form power-law-floor or --breaks N");
    } else {
      tries.add("try another --form than " + s.formName());
    }
    if (s.metric().direction() == Metric.Direction.LOWER_IS_BETTER) {
      tries.add("for a score pass --higher-is-better so that the fitted quantity falls with x");
    } else {
      tries.add("check that the score rises with x (it is fitted as its error, which must fall)");
    }
    return " (" + String.join("; ", tries) + ")";
  }

  private static Form fixedForm(Settings s) throws InputException {
    String name = s.formName();
    if (s.breaks() != null && !(name.equals("auto") || name.equals("bnsl"))) {
      throw new InputException("--breaks applies to --form bnsl (or auto), not --form " + name);
    }
    return switch (name) {
      case "auto" -> s.breaks() == null ? null : Bnsl.withBreaks(checkedBreaks(s.breaks()));
      case "bnsl" -> Bnsl.withBreaks(checkedBreaks(s.breaks() == null ? 1 : s.breaks()));
      case "power-law" -> Bnsl.powerLaw();
      case "power-law-floor" -> Bnsl.powerLawWithFloor();
      case "chinchilla" -> new Chinchilla();
      case "kaplan" -> new Kaplan();
      default ->
          throw new InputException(
              "--form must be one of auto, power-law,"
                  + " power-law-floor, bnsl, chinchilla, kaplan: "
                  + name);
    };
  }

  private static int checkedBreaks(int breaks) throws InputException {
    if (breaks < 0 || breaks > Bnsl.MAX_BREAKS) {
      throw new InputException("--breaks must be in 0.." + Bnsl.MAX_BREAKS + ": " + breaks);
    }
    return breaks;
  }

  /** The series in the fitted orientation; every y must be positive there. */
  private static Series orient(Points p, Metric m, Form form) throws InputException {
    boolean two = form != null && form.inputs() == 2;
    double[] y = new double[p.size()];
    for (int i = 0; i < p.size(); i++) {
      y[i] = m.toFitted(p.y()[i]);
      if (!(y[i] > 0)) {
        throw new InputException(
            m.direction() == Metric.Direction.LOWER_IS_BETTER
                ? String.format(
                    Locale.ROOT,
                    "line %d: y must be > 0 to be fitted in log space: %s (for a score, pass"
                        + " --higher-is-better and --bound)",
                    p.lines()[i],
                    p.y()[i])
                : String.format(
                    Locale.ROOT,
                    "line %d: y=%s is not below --bound %s, so its error bound - y is not > 0"
                        + " (raise --bound or drop the row)",
                    p.lines()[i],
                    p.y()[i],
                    m.bound()));
      }
    }
    if (two) {
      return Series.twoInputs(p.x(), p.x2(), y);
    }
    if (p.stderr() != null) {
      return Series.withStderr(p.x(), y, p.stderr());
    }
    return Series.of(p.x(), y);
  }

  private static FitReport.Prediction prediction(Band b, double x2, Metric m, double observed) {
    double lo = m.toObserved(b.lower());
    double hi = m.toObserved(b.upper());
    return new FitReport.Prediction(
        b.x(),
        x2,
        m.toObserved(b.y()),
        Math.min(lo, hi),
        Math.max(lo, hi),
        observed,
        !Double.isNaN(observed) && b.contains(m.toFitted(observed)));
  }

  private static FitReport.SelectionSummary summary(Selection s) {
    List<FitReport.CandidateSummary> c = new ArrayList<>();
    for (Candidate k : s.candidates()) {
      c.add(
          new FitReport.CandidateSummary(
              k.breaks(),
              k.aicc(),
              k.holdoutRmsle(),
              k.score(),
              k.supported(),
              k.failed(),
              k.reason()));
    }
    return new FitReport.SelectionSummary(
        s.chosen().breaks(),
        s.decidedBy().name(),
        s.holdout(),
        s.aiccMargin(),
        s.holdoutRatio(),
        c);
  }

  private static List<FitReport.BreakSummary> breaks(Fit fit, Series train) {
    List<FitReport.BreakSummary> out = new ArrayList<>();
    List<InflectionForecast> ahead = InflectionForecaster.forecast(fit, train.xs());
    for (Transition t : TransitionDetector.detect(fit, train.xs())) {
      boolean beyond = ahead.stream().anyMatch(f -> f.index() == t.index());
      out.add(
          new FitReport.BreakSummary(
              t.index(),
              t.phase().name(),
              t.location(),
              t.sharpness(),
              t.slopeChange(),
              t.onset(),
              t.end(),
              t.significant(),
              beyond));
    }
    return out;
  }

  private static FitReport.TargetSummary target(Fit fit, Settings s) throws InputException {
    if (s.target() == null) {
      return null;
    }
    if (fit.form().inputs() != 1) {
      throw new InputException(
          "--target needs a single-input form: " + fit.form().name() + " has two inputs");
    }
    Metric m = s.metric();
    double fitted = m.toFitted(s.target());
    if (!(fitted > 0)) {
      throw new InputException(
          String.format(
              Locale.ROOT,
              "--target %s is not reachable: in the fitted orientation it is %s, not > 0",
              s.target(),
              fitted));
    }
    InverseForecast f = InverseForecaster.solve(fit, fitted, TARGET_DECADES);
    return new FitReport.TargetSummary(
        s.target(), f.status().name(), f.x(), f.lower(), f.upper(), f.reason());
  }

  /** Parameter lookup helper for printers. */
  static String formatParameter(Parameter p) {
    return String.format(
        Locale.ROOT, "%-6s = %-12.6g [%.6g, %.6g]", p.name(), p.value(), p.lower(), p.upper());
  }
}
