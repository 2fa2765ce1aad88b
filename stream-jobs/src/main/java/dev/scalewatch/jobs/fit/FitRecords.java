package dev.scalewatch.jobs.fit;

import dev.scalewatch.jobs.alert.Alerts;
import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.detect.InverseForecast;
import dev.scalewatch.laws.detect.InverseForecaster;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import dev.scalewatch.laws.fit.Parameter;
import dev.scalewatch.laws.form.Bnsl;
import dev.scalewatch.schemas.BandPoint;
import dev.scalewatch.schemas.Break;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.ParameterEstimate;
import dev.scalewatch.schemas.TargetForecast;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a fitted law of {@code laws/} into the contract's {@code Fit} record: parameters with
 * intervals, breaks, and the law with its prediction band at log-spaced x over the seen range and
 * on to {@code bandTo} (the extrapolation the record shows), in the metric's own orientation (a
 * score fitted as error {@code bound - y} is shown as the score). Stateless.
 */
public final class FitRecords {

  /** Band points over the seen range plus the extrapolation. */
  static final int BAND_POINTS = 32;

  private static final double LN10 = Math.log(10);

  private FitRecords() {}

  /** What the record is about, besides the fit itself. */
  public record Subject(
      FitScope scope,
      String key,
      String project,
      String runId,
      String task,
      String metric,
      String axis) {}

  /**
   * The record of {@code fit}.
   *
   * @param bandTo largest x of the band (at least the largest x seen)
   * @param newestEventTime event time of the newest fitted point (the record timestamp)
   */
  public static dev.scalewatch.schemas.Fit toRecord(
      Subject subject,
      Fit fit,
      Metric metric,
      double bandTo,
      long sequence,
      long newestEventTime,
      Double heldOutRmsle) {
    return about(subject, sequence, newestEventTime)
        .setForm(fit.form().name())
        .setBreakCount(fit.form() instanceof Bnsl bnsl ? bnsl.breaks() : 0)
        .setParameters(estimates(fit.parameters(), fit.level()))
        .setXMin(fit.xMin())
        .setXMax(fit.xMax())
        .setPointCount(fit.points())
        .setErrorInSample(fit.rmsle() / LN10)
        .setErrorOutOfSample(heldOutRmsle == null ? null : heldOutRmsle / LN10)
        .setBand(band(fit, metric, Math.max(bandTo, fit.xMax())))
        .setBreaks(breaks(fit))
        .setFitDurationMicros(fit.durationNanos() / 1000)
        .build();
  }

  /**
   * The record of a sigmoid law (form {@value SigmoidLaw#FORM}): its parameters with their profile
   * intervals and its prediction band in score units, up to {@code bandTo}.
   */
  public static dev.scalewatch.schemas.Fit toRecord(
      Subject subject, SigmoidLaw law, double bandTo, long sequence, long newestEventTime) {
    var fit = law.fit();
    return about(subject, sequence, newestEventTime)
        .setForm(SigmoidLaw.FORM)
        .setBreakCount(0)
        .setParameters(estimates(law.parameters(), fit.level()))
        .setXMin(fit.xMin())
        .setXMax(fit.xMax())
        .setPointCount(fit.points())
        .setErrorInSample(law.rmseLog10Error())
        .setErrorOutOfSample(null)
        .setBand(band(law::band, fit.xMin(), Math.max(bandTo, fit.xMax()), Metric.lowerIsBetter()))
        .setBreaks(List.of())
        .setFitDurationMicros(law.durationNanos() / 1000)
        .build();
  }

  /** A record builder with what every record says besides the law. */
  private static dev.scalewatch.schemas.Fit.Builder about(
      Subject subject, long sequence, long newestEventTime) {
    return dev.scalewatch.schemas.Fit.newBuilder()
        .setProject(subject.project())
        .setRunId(subject.runId())
        .setScope(subject.scope())
        .setKey(subject.key())
        .setMetric(subject.metric())
        .setTask(subject.task())
        .setXAxis(subject.axis())
        .setSequence(sequence)
        .setEventTime(Instant.ofEpochMilli(newestEventTime))
        .setFittedAt(Instant.now());
  }

  /**
   * Where {@code fit} reaches {@code target} (in the metric's own orientation), searching up to
   * {@code decadesAhead} decades past the largest x seen.
   */
  public static TargetForecast target(Fit fit, Metric metric, double target, double decadesAhead) {
    double fitted = metric.toFitted(target);
    if (!(fitted > 0)) {
      return TargetForecast.newBuilder()
          .setTarget(target)
          .setStatus(InverseForecast.Status.UNREACHABLE.name())
          .setReason("the target " + target + " is at or beyond the metric's bound")
          .build();
    }
    InverseForecast f = InverseForecaster.solve(fit, fitted, decadesAhead);
    boolean forecast = f.status() == InverseForecast.Status.FORECAST;
    return TargetForecast.newBuilder()
        .setTarget(target)
        .setStatus(f.status().name())
        .setX(forecast ? f.x() : null)
        .setInterval(forecast ? Alerts.interval(f.lower(), f.upper(), fit.level()) : null)
        .setReason(f.reason())
        .build();
  }

  private static List<ParameterEstimate> estimates(List<Parameter> parameters, double level) {
    List<ParameterEstimate> out = new ArrayList<>();
    for (Parameter p : parameters) {
      out.add(
          ParameterEstimate.newBuilder()
              .setName(p.name())
              .setValue(p.value())
              .setInterval(
                  Double.isFinite(p.lower()) && Double.isFinite(p.upper())
                      ? Alerts.interval(p.lower(), p.upper(), level)
                      : null)
              .build());
    }
    return out;
  }

  private static List<Break> breaks(Fit fit) {
    List<Break> out = new ArrayList<>();
    if (!(fit.form() instanceof Bnsl bnsl)) {
      return out;
    }
    for (int i = 1; i <= bnsl.breaks(); i++) {
      Parameter d = fit.parameter("d" + i);
      out.add(
          Break.newBuilder()
              .setLocation(d.value())
              .setSharpness(fit.parameter("f" + i).value())
              .setSlopeChange(fit.parameter("c" + i).value())
              .setLocationInterval(
                  Double.isFinite(d.lower()) && Double.isFinite(d.upper())
                      ? Alerts.interval(d.lower(), d.upper(), fit.level())
                      : null)
              .build());
    }
    return out;
  }

  static List<BandPoint> band(Fit fit, Metric metric, double to) {
    return band(fit::band, fit.xMin(), to, metric);
  }

  /** The band of {@code bandAt} (fitted orientation of {@code metric}) at log-spaced x. */
  private static List<BandPoint> band(
      java.util.function.DoubleFunction<Band> bandAt, double xMin, double to, Metric metric) {
    List<BandPoint> out = new ArrayList<>(BAND_POINTS);
    double from = Math.log(xMin);
    double span = Math.log(to) - from;
    for (int i = 0; i < BAND_POINTS; i++) {
      double x = Math.exp(from + span * i / (BAND_POINTS - 1));
      Band band = bandAt.apply(x);
      double a = metric.toObserved(band.lower());
      double b = metric.toObserved(band.upper());
      out.add(
          BandPoint.newBuilder()
              .setX(x)
              .setY(metric.toObserved(band.y()))
              .setLower(finiteOr(Math.min(a, b), 0))
              .setUpper(finiteOr(Math.max(a, b), Double.MAX_VALUE))
              .build());
    }
    return out;
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isFinite(v) ? v : fallback;
  }
}
