package dev.scalewatch.app.fit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.laws.fit.Parameter;
import java.io.PrintWriter;

/**
 * Writes a {@link FitReport} as one JSON object. Non-finite numbers become {@code null} (JSON has
 * no NaN). Thread-safe.
 */
final class JsonReport {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  static void print(FitReport r, PrintWriter out) {
    out.println(toJson(r).toString());
    out.flush();
  }

  static ObjectNode toJson(FitReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("file", r.file());
    ObjectNode law = o.putObject("law");
    law.put("form", r.form());
    law.put("formula", r.formula());
    law.put("fittedAs", r.fittedAs());
    law.put("loss", r.loss());
    if (r.selection() != null) {
      FitReport.SelectionSummary s = r.selection();
      ObjectNode sel = o.putObject("selection");
      sel.put("breaks", s.breaks());
      sel.put("decidedBy", s.decidedBy());
      sel.put("holdout", s.holdout());
      number(sel, "aiccMargin", s.aiccMargin());
      number(sel, "holdoutRatio", s.holdoutRatio());
      ArrayNode cands = sel.putArray("candidates");
      for (FitReport.CandidateSummary c : s.candidates()) {
        ObjectNode n = cands.addObject();
        n.put("breaks", c.breaks());
        number(n, "aicc", c.aicc());
        number(n, "holdoutRmsle", c.holdoutRmsle());
        number(n, "score", c.score());
        n.put("supported", c.supported());
        n.put("failed", c.failed());
        n.put("reason", c.reason());
      }
    } else {
      o.putNull("selection");
    }
    o.put("intervals", r.intervalMethod());
    o.put("level", r.level());
    ArrayNode params = o.putArray("parameters");
    r.parameters().forEach(p -> parameter(params.addObject(), p));
    ArrayNode breaks = o.putArray("breaks");
    for (FitReport.BreakSummary b : r.breaks()) {
      ObjectNode n = breaks.addObject();
      n.put("index", b.index());
      n.put("phase", b.phase());
      parameter(n.putObject("location"), b.location());
      parameter(n.putObject("sharpness"), b.sharpness());
      parameter(n.putObject("slopeChange"), b.slopeChange());
      parameter(n.putObject("onset"), b.onset());
      parameter(n.putObject("end"), b.end());
      n.put("significant", b.significant());
      n.put("completesBeyondData", b.forecastBeyondData());
    }
    ObjectNode points = o.putObject("points");
    points.put("fitted", r.fitted());
    points.put("heldOut", r.heldOut());
    ObjectNode rmsle = o.putObject("rmsle");
    number(rmsle, "inSample", r.rmsleIn());
    number(rmsle, "heldOut", r.rmsleOut());
    predictions(o.putArray("heldOutPoints"), r.heldOutPoints(), true);
    predictions(o.putArray("forecasts"), r.forecasts(), false);
    if (r.target() != null) {
      FitReport.TargetSummary t = r.target();
      ObjectNode n = o.putObject("target");
      number(n, "y", t.target());
      n.put("status", t.status());
      number(n, "x", t.x());
      number(n, "lower", t.lower());
      number(n, "upper", t.upper());
      n.put("reason", t.reason());
    } else {
      o.putNull("target");
    }
    number(o, "fitTimeMs", r.fitTimeMs());
    return o;
  }

  private static void predictions(ArrayNode a, Iterable<FitReport.Prediction> ps, boolean held) {
    for (FitReport.Prediction p : ps) {
      ObjectNode n = a.addObject();
      number(n, "x", p.x());
      if (!Double.isNaN(p.x2())) {
        number(n, "x2", p.x2());
      }
      number(n, "y", p.predicted());
      number(n, "lower", p.lower());
      number(n, "upper", p.upper());
      if (held) {
        number(n, "observed", p.observed());
        n.put("inside", p.inside());
      }
    }
  }

  private static void parameter(ObjectNode n, Parameter p) {
    n.put("name", p.name());
    number(n, "value", p.value());
    number(n, "lower", p.lower());
    number(n, "upper", p.upper());
  }

  private static void number(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }
}
