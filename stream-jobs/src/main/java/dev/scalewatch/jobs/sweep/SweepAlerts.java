package dev.scalewatch.jobs.sweep;

import dev.scalewatch.jobs.alert.AlertBook;
import dev.scalewatch.jobs.alert.Alerts;
import dev.scalewatch.jobs.fit.SigmoidLaw;
import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.detect.Emergence;
import dev.scalewatch.laws.detect.EmergenceDetector;
import dev.scalewatch.laws.detect.InflectionForecast;
import dev.scalewatch.laws.detect.InflectionForecaster;
import dev.scalewatch.laws.detect.LawBreak;
import dev.scalewatch.laws.detect.LawBreakDetector;
import dev.scalewatch.laws.detect.Transition;
import dev.scalewatch.laws.detect.TransitionDetector;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.fit.SigmoidFitter;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.Severity;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The alerts a sweep's refit raises or resolves (EMERGENCE, LAW_BROKEN, PREDICTED_INFLECTION,
 * FORECAST_MISS), each through the key's {@link AlertBook} so an id fires once and resolves once.
 * Used by {@link SweepFitter} on its task thread; not thread-safe.
 */
final class SweepAlerts {

  /**
   * Smallest change of log-log slope for a break to be forecast: a search can place an inert break
   * (slope change ~0.002) that is formally significant on noiseless data but says nothing.
   */
  static final double MIN_SLOPE_CHANGE = 0.05;

  /**
   * Smallest deviation (natural log, about 1%) for a point to count as breaking the law: on
   * noiseless data the band shrinks to rounding error and would flag every point.
   */
  static final double MIN_LOG_DEVIATION = 0.01;

  /**
   * Smallest deviation of a score from a sigmoid's band, as a fraction of its bound (0.01 of
   * accuracy), for a point to count as breaking it or missing it.
   */
  static final double MIN_SCORE_DEVIATION = 0.01;

  private final AlertBook alerts;

  SweepAlerts(AlertBook alerts) {
    this.alerts = alerts;
  }

  void checkEmergence(
      String key, List<SweepPoint> sorted, Metric metric, SweepState st, Consumer<Alert> out)
      throws Exception {
    double[] xs = sorted.stream().mapToDouble(p -> p.x).toArray();
    double[] ys = sorted.stream().mapToDouble(p -> p.y).toArray();
    Emergence e =
        EmergenceDetector.forBound(metric.bound())
            .detect(xs, ys, SigmoidFitter.forUnknownChance(metric.bound()));
    String id = "emergence/" + key;
    SweepPoint first = sorted.get(0);
    if (e.emergent()) {
      // Where the jump is: the sigmoid's midpoint with its 95% profile interval; the two sizes
      // around the jump (level 1) with fewer than 4 sizes up to the peak or an open interval.
      Parameter at = e.jumpAt();
      boolean closed = e.sigmoid() != null && at.lower() > 0 && Double.isFinite(at.upper());
      double level = closed ? e.sigmoid().level() : 1.0;
      if (!closed) {
        at = new Parameter("xMid", Math.sqrt(e.xBefore() * e.xAfter()), e.xBefore(), e.xAfter());
      }
      String summary =
          String.format(
              Locale.ROOT,
              "%s %s of %s jumps by %s between %s and %s parameters, midpoint %s [%s, %s] (%.0f%%)",
              first.task,
              first.metric,
              first.family,
              Alerts.num(e.jump()),
              Alerts.num(e.xBefore()),
              Alerts.num(e.xAfter()),
              Alerts.num(at.value()),
              Alerts.num(at.lower()),
              Alerts.num(at.upper()),
              100 * level);
      String sigmoid =
          e.sigmoid() == null
              ? "; no sigmoid (fewer than 4 sizes up to the peak): the jump lies between the two"
                  + " sizes"
              : String.format(
                  Locale.ROOT,
                  "; sigmoid in ln x up to the peak: floor %s, %s, %s",
                  Alerts.num(e.sigmoid().floor()),
                  e.sigmoid().ceiling(),
                  e.sigmoid().midpoint());
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.EMERGENCE,
                  Severity.WARNING,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  summary,
                  e.reason() + sigmoid + "; points (x, y): " + pointsText(sorted),
                  st.newestEventTime)
              .setXAxis(first.axis)
              .setPredictedX(at.value())
              .setPredictedXInterval(Alerts.interval(at.lower(), at.upper(), level))
              .build(),
          out);
    } else {
      alerts.resolve(id, st.newestEventTime, "no longer emergent: " + e.reason(), out);
    }
  }

  boolean checkLawBroken(
      String key,
      Fit previous,
      List<SweepPoint> usable,
      Metric metric,
      SweepState st,
      Consumer<Alert> out)
      throws Exception {
    List<SweepPoint> beyond =
        usable.stream().filter(p -> p.x > previous.xMax() * (1 + 1e-9)).toList();
    if (beyond.isEmpty()) {
      return false;
    }
    Series fresh =
        Series.of(
            beyond.stream().mapToDouble(p -> p.x).toArray(),
            beyond.stream().mapToDouble(p -> metric.toFitted(p.y)).toArray());
    LawBreak check = LawBreakDetector.check(previous, fresh, 1);
    List<Seen> seen =
        check.deviations().stream()
            .map(
                d ->
                    new Seen(
                        d.x(),
                        metric.toObserved(d.observed()),
                        metric.toObserved(d.band().y()),
                        metric.toObserved(d.band().lower()),
                        metric.toObserved(d.band().upper()),
                        d.outside() && Math.abs(d.logResidual()) > MIN_LOG_DEVIATION))
            .toList();
    return fireLawBroken(key, seen, usable.get(0), check.level(), st, out);
  }

  /**
   * LAW_BROKEN against a sigmoid law: a point beyond its range outside its prediction band (score
   * units) by more than {@link #MIN_SCORE_DEVIATION} of the bound counts, as for the other forms.
   */
  boolean checkSigmoidBroken(
      String key, SigmoidLaw previous, List<SweepPoint> usable, SweepState st, Consumer<Alert> out)
      throws Exception {
    double xMax = previous.fit().xMax();
    double slack = MIN_SCORE_DEVIATION * previous.fit().bound();
    List<Seen> seen =
        usable.stream()
            .filter(p -> p.x > xMax * (1 + 1e-9))
            .map(
                p -> {
                  Band b = previous.band(p.x);
                  boolean off = p.y < b.lower() - slack || p.y > b.upper() + slack;
                  return new Seen(p.x, p.y, b.y(), b.lower(), b.upper(), off);
                })
            .toList();
    if (seen.isEmpty()) {
      return false;
    }
    return fireLawBroken(key, seen, usable.get(0), previous.fit().level(), st, out);
  }

  /** A point beyond the previous law's range with that law's band, in the metric's units. */
  private record Seen(
      double x, double observed, double predicted, double lower, double upper, boolean outside) {}

  private boolean fireLawBroken(
      String key,
      List<Seen> seen,
      SweepPoint first,
      double level,
      SweepState st,
      Consumer<Alert> out)
      throws Exception {
    String id = "law-broken/" + key;
    long outside = seen.stream().filter(Seen::outside).count();
    if (2 * outside >= seen.size() && outside > 0) {
      StringBuilder evidence =
          new StringBuilder("fit ").append(key).append(" #").append(st.sequence).append(": ");
      for (Seen d : seen) {
        evidence.append(
            String.format(
                Locale.ROOT,
                "x=%s observed %s band [%s, %s]%s; ",
                Alerts.num(d.x()),
                Alerts.num(d.observed()),
                Alerts.num(Math.min(d.lower(), d.upper())),
                Alerts.num(Math.max(d.lower(), d.upper())),
                d.outside() ? " OUTSIDE" : ""));
      }
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.LAW_BROKEN,
                  Severity.WARNING,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  String.format(
                      Locale.ROOT,
                      "%s %s of %s: %d of %d new points outside the law's %.0f%% band",
                      first.task,
                      first.metric,
                      first.family,
                      outside,
                      seen.size(),
                      100 * level),
                  evidence.toString(),
                  st.newestEventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(first.axis)
              .build(),
          out);
      return true;
    }
    alerts.resolve(id, st.newestEventTime, "new points inside the band", out);
    return false;
  }

  /**
   * FORECAST_MISS for each run whose point lies on the worse side of the sweep law's prediction
   * band (by more than {@link #MIN_LOG_DEVIATION}): a run heading above the law of its sweep (with
   * {@code --sweep-point step:N}, compared at the same point of training). Resolved when a later
   * point of the run is back inside.
   */
  void checkForecastMisses(
      String key,
      Fit fit,
      List<SweepPoint> usable,
      Metric metric,
      SweepState st,
      Consumer<Alert> out)
      throws Exception {
    java.util.function.Function<SweepPoint, Seen> judge =
        p -> {
          Band band = fit.band(p.x);
          double fitted = metric.toFitted(p.y);
          boolean worse = fitted > band.upper() && Math.log(fitted / band.y()) > MIN_LOG_DEVIATION;
          return new Seen(
              p.x,
              p.y,
              metric.toObserved(band.y()),
              metric.toObserved(band.lower()),
              metric.toObserved(band.upper()),
              worse);
        };
    checkMisses(key, usable, st, out, judge);
  }

  /**
   * FORECAST_MISS against a sigmoid law: a run whose score lies below the sigmoid's prediction band
   * by more than {@link #MIN_SCORE_DEVIATION} of the bound.
   */
  void checkSigmoidMisses(
      String key, SigmoidLaw law, List<SweepPoint> usable, SweepState st, Consumer<Alert> out)
      throws Exception {
    double slack = MIN_SCORE_DEVIATION * law.fit().bound();
    java.util.function.Function<SweepPoint, Seen> judge =
        p -> {
          Band b = law.band(p.x);
          return new Seen(p.x, p.y, b.y(), b.lower(), b.upper(), p.y < b.lower() - slack);
        };
    checkMisses(key, usable, st, out, judge);
  }

  private void checkMisses(
      String key,
      List<SweepPoint> usable,
      SweepState st,
      Consumer<Alert> out,
      java.util.function.Function<SweepPoint, Seen> judge)
      throws Exception {
    for (SweepPoint p : usable) {
      String id = "forecast-miss/" + key + "/" + p.pointId;
      Seen band = judge.apply(p);
      if (!band.outside()) {
        alerts.resolve(id, p.eventTime, "back inside the sweep's band", out);
        continue;
      }
      String run = p.pointId.substring(p.pointId.indexOf('/') + 1);
      alerts.fire(
          Alerts.aboutSweep(
                  id,
                  AlertKind.FORECAST_MISS,
                  Severity.WARNING,
                  p.project,
                  p.family,
                  p.task,
                  p.metric,
                  String.format(
                      Locale.ROOT,
                      "run %s misses its sweep's law: %s %s at step %d, law predicts %s [%s, %s]",
                      run,
                      p.metric,
                      Alerts.num(p.y),
                      p.step,
                      Alerts.num(band.predicted()),
                      Alerts.num(Math.min(band.lower(), band.upper())),
                      Alerts.num(Math.max(band.lower(), band.upper()))),
                  String.format(
                      Locale.ROOT,
                      "x=%s; fit %s #%d over %d runs",
                      Alerts.num(p.x),
                      key,
                      st.sequence,
                      usable.size()),
                  p.eventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(p.axis)
              .build(),
          out);
    }
  }

  void checkInflections(
      String key, Fit fit, List<SweepPoint> usable, SweepState st, Consumer<Alert> out)
      throws Exception {
    double[] xs = usable.stream().mapToDouble(p -> p.x).toArray();
    SweepPoint first = usable.get(0);
    String prefix = "inflection/" + key + "/";
    Set<Integer> underway = new HashSet<>();
    for (Transition t : TransitionDetector.detect(fit, xs)) {
      if (t.phase() == Transition.Phase.UNDERWAY
          && t.significant()
          && Math.abs(t.slopeChange().value()) >= MIN_SLOPE_CHANGE) {
        underway.add(t.index());
      }
    }
    List<InflectionForecast> forecasts = InflectionForecaster.forecast(fit, xs);
    Set<Integer> ahead = new HashSet<>();
    for (InflectionForecast f : forecasts) {
      ahead.add(f.index());
      if (!f.restsOnEvidence() || !underway.contains(f.index())) {
        continue;
      }
      String summary =
          String.format(
              Locale.ROOT,
              "%s %s of %s: transition %d underway, completes near %s=%s [%s, %s]%s",
              first.task,
              first.metric,
              first.family,
              f.index(),
              first.axis,
              Alerts.num(f.end().value()),
              Alerts.num(f.end().lower()),
              Alerts.num(f.end().upper()),
              eta(usable, f));
      alerts.fire(
          Alerts.aboutSweep(
                  prefix + f.index(),
                  AlertKind.PREDICTED_INFLECTION,
                  Severity.INFO,
                  first.project,
                  first.family,
                  first.task,
                  first.metric,
                  summary,
                  String.format(
                      Locale.ROOT,
                      "break %d at %s [%s, %s]; largest x seen %s; fit %s #%d",
                      f.index(),
                      Alerts.num(f.location().value()),
                      Alerts.num(f.location().lower()),
                      Alerts.num(f.location().upper()),
                      Alerts.num(f.largestXSeen()),
                      key,
                      st.sequence),
                  st.newestEventTime)
              .setFitKey(key)
              .setFitSequence(st.sequence)
              .setXAxis(first.axis)
              .setPredictedX(f.end().value())
              .setPredictedXInterval(Alerts.interval(f.end().lower(), f.end().upper(), fit.level()))
              .build(),
          out);
    }
    for (int i = 1; i <= Bnsl.MAX_BREAKS; i++) {
      if (!ahead.contains(i)) {
        alerts.resolve(
            prefix + i,
            st.newestEventTime,
            "points reached x=" + Alerts.num(fit.xMax()) + " past the predicted end",
            out);
      }
    }
  }

  /** "; about N h at the current rate" for the steps axis, where the series shows its pace. */
  private static String eta(List<SweepPoint> usable, InflectionForecast f) {
    SweepPoint a = usable.get(0);
    SweepPoint b = usable.get(usable.size() - 1);
    if (!"steps".equals(a.axis) || b.eventTime <= a.eventTime || b.x <= a.x) {
      return "";
    }
    double perHour = (b.x - a.x) / ((b.eventTime - a.eventTime) / 3.6e6);
    return String.format(Locale.ROOT, "; about %.1f h at the current rate", f.hoursToEnd(perHour));
  }

  private static String pointsText(List<SweepPoint> sorted) {
    StringBuilder s = new StringBuilder();
    for (SweepPoint p : sorted) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append('(').append(Alerts.num(p.x)).append(", ").append(Alerts.num(p.y)).append(')');
    }
    return s.toString();
  }
}
