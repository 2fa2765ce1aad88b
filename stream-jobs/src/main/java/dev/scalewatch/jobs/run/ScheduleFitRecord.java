package dev.scalewatch.jobs.run;

import dev.scalewatch.jobs.alert.Alerts;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.ScheduleFit;
import dev.scalewatch.schemas.BandPoint;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.ParameterEstimate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns a {@link ScheduleForecast.Forecast} into the contract's {@code Fit} record: parameters
 * {@code L0, A, alpha, C} with their 95% intervals ({@code C} without one when it was not
 * estimated), and the law with its prediction band from the first fitted step to the end of the
 * schedule, at steps spaced both logarithmically and evenly (so the warm-down at the end has points
 * of its own). Its key is the learning curve's key plus {@code /lr_annealing}: the store keeps both
 * fits of a metric. Stateless.
 */
final class ScheduleFitRecord {

  /** Band points per spacing (log and even); duplicates merge. */
  static final int BAND_POINTS = 24;

  private static final double LN10 = Math.log(10);

  private ScheduleFitRecord() {}

  static Fit toRecord(
      String runKey, RunState st, String metric, ScheduleForecast.Forecast f, long sequence) {
    ScheduleFit fit = f.fit();
    long[] fittedSteps = f.steps();
    long from = fittedSteps[0];
    return Fit.newBuilder()
        .setProject(st.project)
        .setRunId(st.runId)
        .setScope(FitScope.RUN)
        .setKey(runKey + "/" + metric + "/steps/" + ScheduleForecast.FORM)
        .setMetric(metric)
        .setXAxis("steps")
        .setForm(f.form())
        .setParameters(parameters(fit))
        .setXMin(from)
        .setXMax(fit.lastStep())
        .setPointCount(fit.points())
        .setErrorInSample(rmsLog10(fit, fittedSteps, f.losses()))
        .setBand(band(fit, from, f.end()))
        .setFitDurationMicros(f.durationNanos() / 1000)
        .setSequence(sequence)
        .setEventTime(Instant.ofEpochMilli(st.lastEventTime))
        .setFittedAt(Instant.now())
        .build();
  }

  private static List<ParameterEstimate> parameters(ScheduleFit fit) {
    double[] values = {fit.l0(), fit.a(), fit.alpha(), fit.c()};
    List<ParameterEstimate> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      double[] iv = fit.interval(i);
      boolean estimated = i < 3 || fit.c() > 0;
      out.add(
          ParameterEstimate.newBuilder()
              .setName(ScheduleFit.NAMES[i])
              .setValue(values[i])
              .setInterval(
                  estimated && Double.isFinite(iv[0]) && Double.isFinite(iv[1])
                      ? Alerts.interval(iv[0], iv[1], ScheduleFit.LEVEL)
                      : null)
              .build());
    }
    return out;
  }

  static List<BandPoint> band(ScheduleFit fit, long from, long to) {
    TreeSet<Long> steps = new TreeSet<>();
    for (int i = 0; i < BAND_POINTS; i++) {
      double t = i / (double) (BAND_POINTS - 1);
      steps.add(Math.round(Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from)))));
      steps.add(Math.round(from + t * (to - from)));
    }
    steps.add(fit.lastStep());
    List<BandPoint> out = new ArrayList<>();
    for (long s : steps) {
      if (s <= fit.schedule().peakStep() || s > fit.schedule().lastStep()) {
        continue;
      }
      Band b = fit.band(s);
      out.add(
          BandPoint.newBuilder()
              .setX(s)
              .setY(b.y())
              .setLower(finiteOr(b.lower(), 0))
              .setUpper(finiteOr(b.upper(), Double.MAX_VALUE))
              .build());
    }
    return out;
  }

  private static double rmsLog10(ScheduleFit fit, long[] steps, double[] losses) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < steps.length; i++) {
      double y = fit.predict(steps[i]);
      if (y > 0 && losses[i] > 0) {
        double d = Math.log(y / losses[i]) / LN10;
        sum += d * d;
        n++;
      }
    }
    return n == 0 ? Double.NaN : Math.sqrt(sum / n);
  }

  private static double finiteOr(double v, double fallback) {
    return Double.isFinite(v) ? v : fallback;
  }
}
