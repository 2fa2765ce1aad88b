package dev.scalewatch.app.fit;

import dev.scalewatch.laws.fit.Parameter;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints a {@link FitReport} for people. Stateless; thread-safe. */
final class TextReport {

  private TextReport() {}

  private static String secondInput(FitReport.Prediction p) {
    return Double.isNaN(p.x2()) ? "" : String.format(Locale.ROOT, " x2=%-12.5g", p.x2());
  }

  static void print(FitReport r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "law: %s   %s   (fitted quantity: %s, %s loss)%n",
        r.form(),
        r.formula(),
        r.fittedAs(),
        r.loss());
    if (r.selection() != null) {
      FitReport.SelectionSummary s = r.selection();
      String evidence =
          "ONLY_SUPPORTED".equals(s.decidedBy())
              ? "no other candidate's breaks are supported"
              : String.format(
                  Locale.ROOT,
                  "AICc margin %s over the best other, holdout RMSLE ratio %s",
                  orNa(s.aiccMargin()),
                  orNa(s.holdoutRatio()));
      out.printf(
          Locale.ROOT,
          "chosen: %d break(s), decided by %s (%s; %d largest-x points held out inside the"
              + " selection)%n",
          s.breaks(),
          s.decidedBy(),
          evidence,
          s.holdout());
      for (FitReport.CandidateSummary c : s.candidates()) {
        if (c.failed()) {
          out.printf(Locale.ROOT, "  %d break(s): %s%n", c.breaks(), c.reason());
          continue;
        }
        out.printf(
            Locale.ROOT,
            "  %d break(s): AICc %10.2f   holdout RMSLE %.4g   score %s%s%n",
            c.breaks(),
            c.aicc(),
            c.holdoutRmsle(),
            Double.isFinite(c.score()) ? String.format(Locale.ROOT, "%.2f", c.score()) : "n/a",
            c.supported() ? "" : "   (not supported: " + c.reason() + ")");
      }
    }
    out.printf(Locale.ROOT, "points: %d fitted, %d held out%n", r.fitted(), r.heldOut());
    out.printf(
        Locale.ROOT, "parameters (%.0f%% intervals, %s):%n", 100 * r.level(), r.intervalMethod());
    for (Parameter p : r.parameters()) {
      out.println("  " + FitAnalysis.formatParameter(p));
    }
    if (!r.breaks().isEmpty()) {
      out.println("breaks:");
      for (FitReport.BreakSummary b : r.breaks()) {
        out.printf(
            Locale.ROOT,
            "  %d: %s at x=%.4g [%.4g, %.4g], transition x=%.4g..%.4g, slope change %.4g"
                + " [%.4g, %.4g]%s%s%n",
            b.index(),
            b.phase(),
            b.location().value(),
            b.location().lower(),
            b.location().upper(),
            b.onset().value(),
            b.end().value(),
            b.slopeChange().value(),
            b.slopeChange().lower(),
            b.slopeChange().upper(),
            b.significant() ? "" : " (not significant)",
            b.forecastBeyondData() ? " -- completes beyond the largest x seen" : "");
      }
    }
    out.printf(
        Locale.ROOT,
        "RMSLE: in-sample %.4g, held-out %s%n",
        r.rmsleIn(),
        Double.isNaN(r.rmsleOut())
            ? "n/a (use --holdout K)"
            : String.format(Locale.ROOT, "%.4g", r.rmsleOut()));
    if (!r.heldOutPoints().isEmpty()) {
      out.println("held-out points (prediction band):");
      for (FitReport.Prediction p : r.heldOutPoints()) {
        out.printf(
            Locale.ROOT,
            "  x=%-12.5g%s observed %-10.5g predicted %-10.5g [%.5g, %.5g]%s%n",
            p.x(),
            secondInput(p),
            p.observed(),
            p.predicted(),
            p.lower(),
            p.upper(),
            p.inside() ? "" : "  OUTSIDE");
      }
    }
    out.println("forecasts (prediction band):");
    for (FitReport.Prediction p : r.forecasts()) {
      out.printf(
          Locale.ROOT,
          "  x=%-12.5g%s y=%-10.5g [%.5g, %.5g]%n",
          p.x(),
          secondInput(p),
          p.predicted(),
          p.lower(),
          p.upper());
    }
    if (r.target() != null) {
      FitReport.TargetSummary t = r.target();
      if (Double.isNaN(t.x())) {
        out.printf(
            Locale.ROOT,
            "target y=%s: %s (fitted quantity %s: %s)%n",
            t.target(),
            t.status(),
            r.fittedAs(),
            t.reason());
      } else {
        out.printf(
            Locale.ROOT,
            "target y=%s: %s at x=%.5g [%.5g, %.5g] (confidence band)%n",
            t.target(),
            t.status(),
            t.x(),
            t.lower(),
            t.upper());
      }
    }
    out.printf(Locale.ROOT, "fit time: %.1f ms%n", r.fitTimeMs());
    out.flush();
  }

  private static String orNa(double v) {
    return Double.isFinite(v)
        ? String.format(Locale.ROOT, "%.2f", v)
        : "n/a (no other supported candidate)";
  }
}
