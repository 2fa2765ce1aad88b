package dev.scalewatch.app.fit;

import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.Series;
import dev.scalewatch.laws.fit.Band;
import dev.scalewatch.laws.fit.Fit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the fit as a PNG with XChart: fitted points, held-out points, the law, its prediction band
 * and a vertical line at each break, on log-log axes (linear y for higher-is-better metrics, which
 * can be 0). Runs headless. Stateless; thread-safe apart from AWT's own locking.
 */
final class FitPlot {

  private static final int CURVE_POINTS = 200;

  private FitPlot() {}

  /**
   * Writes the plot.
   *
   * @throws IOException if the file cannot be written
   */
  static void write(FitAnalysis.Result r, Metric m, Path out) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Fit fit = r.fit();
    boolean lower = m.direction() == Metric.Direction.LOWER_IS_BETTER;
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(600)
            .title(r.report().form() + ": " + r.report().formula())
            .xAxisTitle("x")
            .yAxisTitle("y")
            .build();
    chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(lower);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setMarkerSize(7);

    scatter(chart, "points", r.train(), m);
    if (r.held().size() > 0) {
      scatter(chart, "held out", r.held(), m).setMarker(SeriesMarkers.DIAMOND);
    }
    if (fit.form().inputs() == 1) {
      double xHi = Math.max(r.train().xMax(), r.held().size() > 0 ? r.held().xMax() : 0) * 10;
      double xLo = r.train().xMin();
      double[] x = new double[CURVE_POINTS];
      double[] y = new double[CURVE_POINTS];
      double[] lo = new double[CURVE_POINTS];
      double[] hi = new double[CURVE_POINTS];
      for (int i = 0; i < CURVE_POINTS; i++) {
        x[i] = xLo * Math.pow(xHi / xLo, i / (CURVE_POINTS - 1.0));
        Band b = fit.band(x[i]);
        y[i] = m.toObserved(b.y());
        lo[i] = m.toObserved(b.lower());
        hi[i] = m.toObserved(b.upper());
      }
      line(chart, "law", x, y, SeriesLines.SOLID);
      String band = (int) Math.round(100 * fit.level()) + "% band";
      line(chart, band + " (lower)", x, lo, SeriesLines.DASH_DASH);
      line(chart, band + " (upper)", x, hi, SeriesLines.DASH_DASH);
      double yMin = min(y, lo);
      double yMax = max(y, hi);
      for (FitReport.BreakSummary b : r.report().breaks()) {
        double d = b.location().value();
        if (d >= xLo && d <= xHi) {
          line(
              chart,
              "break " + b.index(),
              new double[] {d, d},
              new double[] {yMin, yMax},
              SeriesLines.DOT_DOT);
        }
      }
    } else {
      double[] x = r.train().xs();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = m.toObserved(fit.predict(x[i], r.train().x2(i)));
      }
      chart
          .addSeries("law at each point", x, y)
          .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
          .setMarker(SeriesMarkers.CROSS);
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream os = Files.newOutputStream(out)) {
      BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static XYSeries scatter(XYChart chart, String name, Series s, Metric m) {
    double[] y = s.ys();
    for (int i = 0; i < y.length; i++) {
      y[i] = m.toObserved(y[i]);
    }
    XYSeries series = chart.addSeries(name, s.xs(), y);
    series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    return series;
  }

  private static void line(
      XYChart chart, String name, double[] x, double[] y, java.awt.BasicStroke stroke) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(stroke);
  }

  private static double min(double[] a, double[] b) {
    double v = Double.POSITIVE_INFINITY;
    for (int i = 0; i < a.length; i++) {
      v = Math.min(v, Math.min(a[i], b[i]));
    }
    return v;
  }

  private static double max(double[] a, double[] b) {
    double v = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < a.length; i++) {
      v = Math.max(v, Math.max(a[i], b[i]));
    }
    return v;
  }
}
