// Charts of the dashboard, drawn with uPlot. Each function returns what it drew (the numbers, not
// pixels), which the page keeps in window.scalewatch.charts for people and tests to read.
"use strict";

const Charts = (() => {
  const COLORS = {
    line: "#2f6fdb", range: "rgba(47,111,219,0.16)", fit: "#7048e8", band: "rgba(112,72,232,0.13)",
    point: "#2f6fdb", unseen: "#e8590c", nonFinite: "#c92a2a", brk: "#868e96",
    inflection: "#d6336c", inflectionBand: "rgba(214,51,108,0.10)",
  };

  const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

  // uPlot's own log increments end near 1e16; FLOPs go far beyond.
  const DECADES = Array.from({ length: 81 }, (_, i) => Math.pow(10, i - 40));

  function clipped(u, draw) {
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    draw(ctx);
    ctx.restore();
  }

  function drawBand(u, band, color) {
    if (band.length < 2) return;
    clipped(u, (ctx) => {
      ctx.fillStyle = color;
      ctx.beginPath();
      band.forEach((b, i) => {
        const x = u.valToPos(b.x, "x", true), y = u.valToPos(b.upper, "y", true);
        i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
      });
      for (let i = band.length - 1; i >= 0; i--) {
        ctx.lineTo(u.valToPos(band[i].x, "x", true), u.valToPos(band[i].lower, "y", true));
      }
      ctx.closePath();
      ctx.fill();
    });
  }

  function drawCurve(u, curve, color, dash) {
    if (curve.length < 2) return;
    clipped(u, (ctx) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
      ctx.beginPath();
      curve.forEach((p, i) => {
        const x = u.valToPos(p.x, "x", true), y = u.valToPos(p.y, "y", true);
        i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
  }

  function drawVertical(u, x, color, label, interval, fill) {
    clipped(u, (ctx) => {
      const top = u.bbox.top, bottom = u.bbox.top + u.bbox.height;
      if (interval && fill) {
        const l = u.valToPos(interval.lower, "x", true), r = u.valToPos(interval.upper, "x", true);
        ctx.fillStyle = fill;
        ctx.fillRect(Math.min(l, r), top, Math.abs(r - l), bottom - top);
      }
      const px = u.valToPos(x, "x", true);
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([5 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      if (label) {
        ctx.setLineDash([]);
        ctx.fillStyle = color;
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.fillText(label, px + 4 * devicePixelRatio, top + 13 * devicePixelRatio);
      }
    });
  }

  function marker(ctx, x, y, r, shape, color, filled) {
    ctx.beginPath();
    if (shape === "diamond") {
      ctx.moveTo(x, y - r * 1.3); ctx.lineTo(x + r * 1.3, y); ctx.lineTo(x, y + r * 1.3); ctx.lineTo(x - r * 1.3, y);
      ctx.closePath();
    } else if (shape === "triangle") {
      ctx.moveTo(x, y + r * 1.2); ctx.lineTo(x + r * 1.2, y - r); ctx.lineTo(x - r * 1.2, y - r);
      ctx.closePath();
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    filled ? ctx.fill() : ctx.stroke();
  }

  /** Ticks of a log axis: the powers of ten in range, and 2x and 5x of them if there are few. */
  function logTicks(u, axis, min, max) {
    const ticks = [];
    for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
      const decade = Math.pow(10, k);
      (Math.log10(max / min) < 3 ? [1, 2, 5] : [1]).forEach((m) => {
        if (m * decade >= min && m * decade <= max) ticks.push(m * decade);
      });
    }
    return ticks;
  }

  function padded(lo, hi, log) {
    if (log) return [lo / 1.6, hi * 1.6];
    const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }

  function extent(values) {
    let lo = Infinity, hi = -Infinity;
    values.forEach((v) => { if (v != null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    return lo <= hi ? [lo, hi] : null;
  }

  /**
   * A run's series: the last value of each bucket as a line, the min..max of each bucket as a
   * shaded range (a one-step spike stays visible), NaN and infinities as red triangles on the top
   * edge, and the learning-curve fit with its forecast band. Dragging across selects a step range.
   */
  function series(el, { series, fit, width, onSelect }) {
    const buckets = series.buckets;
    const xs = buckets.map((b) => b.last_step);
    const last = buckets.map((b) => num(b.last_value));
    const lo = buckets.map((b) => num(b.min));
    const hi = buckets.map((b) => num(b.max));
    const nonFinite = buckets
      .filter((b) => b.nan_count + b.positive_infinity_count + b.negative_infinity_count > 0)
      .map((b) => ({ step: b.last_step, nan: b.nan_count, pos_inf: b.positive_infinity_count,
                     neg_inf: b.negative_infinity_count }));
    const band = fit ? fit.band.filter((b) => num(b.y) != null && num(b.lower) != null && num(b.upper) != null) : [];
    const curve = band.map((b) => ({ x: b.x, y: b.y }));
    const xr = extent([...xs, ...band.map((b) => b.x)]) || [0, 1];
    const yFrom = [...lo, ...hi, ...last];
    const zoomed = series.zoomed;
    if (!zoomed) band.forEach((b) => yFrom.push(b.lower, b.upper));
    const yr = extent(yFrom) || [0, 1];
    const xRange = zoomed ? [series.from_step, series.to_step] : [xr[0], xr[1] === xr[0] ? xr[0] + 1 : xr[1]];
    const opts = {
      width, height: 300,
      scales: { x: { time: false, range: () => xRange }, y: { range: () => padded(yr[0], yr[1], false) } },
      axes: [{ label: "step" }, { label: series.metric, size: 60 }],
      series: [
        { label: "step" },
        { label: "last", stroke: COLORS.line, width: 1.5, spanGaps: false },
        { label: "min", stroke: "transparent", points: { show: false } },
        { label: "max", stroke: "transparent", points: { show: false } },
      ],
      bands: [{ series: [3, 2], fill: COLORS.range }],
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { show: false },
      hooks: {
        drawClear: [(u) => { if (!zoomed) drawBand(u, band, COLORS.band); }],
        draw: [(u) => {
          if (!zoomed) drawCurve(u, curve, COLORS.fit, [6, 4]);
          clipped(u, (ctx) => nonFinite.forEach((m) => marker(ctx, u.valToPos(m.step, "x", true),
            u.bbox.top + 8 * devicePixelRatio, 5 * devicePixelRatio, "triangle", COLORS.nonFinite, true)));
        }],
        setSelect: [(u) => {
          if (u.select.width < 4 || !onSelect) return;
          const from = Math.max(0, Math.floor(u.posToVal(u.select.left, "x")));
          const to = Math.ceil(u.posToVal(u.select.left + u.select.width, "x"));
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          onSelect(from, to);
        }],
      },
    };
    const plot = new uPlot(opts, [xs, last, lo, hi], el);
    return {
      plot,
      drawn: {
        kind: "series", metric: series.metric, split: series.split, from_step: series.from_step,
        to_step: series.to_step, bucket_steps: series.bucket_steps, point_count: series.point_count,
        buckets: buckets.length, last_step: xs.length ? xs[xs.length - 1] : null,
        last_value: buckets.length ? buckets[buckets.length - 1].last_value : null,
        max: extent(hi) ? extent(hi)[1] : null, non_finite: nonFinite,
        fit: fit && !zoomed ? { key: fit.key, sequence: fit.sequence, curve, band } : null,
      },
    };
  }

  /**
   * A sweep: one point per run on a log x axis (filled if the fit saw it, hollow orange diamonds
   * if it did not: beyond its x range or newer than its newest point), the fitted law, its band,
   * its breaks, and the x of its alerts (a predicted inflection, an emergence) with intervals.
   */
  function sweep(el, { fit, points, markers, width }) {
    const band = fit.band.filter((b) => b.x > 0 && num(b.y) != null && num(b.lower) != null && num(b.upper) != null);
    const curve = band.map((b) => ({ x: b.x, y: b.y }));
    const breaks = (fit.breaks || []).map((b) => ({ x: b.location, interval: b.location_interval }));
    // x_min and x_max come back through logarithms: compare with a relative tolerance.
    const inRange = (x) => x >= fit.x_min * (1 - 1e-9) && x <= fit.x_max * (1 + 1e-9);
    const drawnPoints = points.map((p) => ({
      ...p, seen: inRange(p.x) && p.event_time <= fit.event_time,
    }));
    const xr = extent([...drawnPoints.map((p) => p.x), ...band.map((b) => b.x),
                       ...markers.map((m) => m.x)]) || [1, 10];
    const yr = extent([...drawnPoints.map((p) => p.y), ...band.map((b) => b.lower),
                       ...band.map((b) => b.upper)]) || [0, 1];
    const opts = {
      width, height: 320,
      scales: { x: { time: false, distr: 3, range: () => padded(xr[0], xr[1], true) },
                y: { range: () => padded(yr[0], yr[1], false) } },
      axes: [{ label: fit.x_axis, splits: logTicks, filter: (u, splits) => splits, incrs: DECADES,
               values: (u, splits) => splits.map(Fmt.si) },
             { label: fit.metric, size: 56 }],
      series: [{ label: fit.x_axis }, { label: "fitted law", stroke: COLORS.fit, width: 2 }],
      cursor: { drag: { x: true, y: false, setScale: true } },
      legend: { show: false },
      hooks: {
        drawClear: [(u) => {
          drawBand(u, band, COLORS.band);
          markers.forEach((m) => drawVertical(u, m.x, COLORS.inflection, m.label, m.interval,
                                              COLORS.inflectionBand));
          breaks.forEach((b) => drawVertical(u, b.x, COLORS.brk, "break", null, null));
        }],
        draw: [(u) => clipped(u, (ctx) => drawnPoints.forEach((p) => {
          const x = u.valToPos(p.x, "x", true), y = u.valToPos(p.y, "y", true);
          p.seen ? marker(ctx, x, y, 4.5 * devicePixelRatio, "circle", COLORS.point, true)
                 : marker(ctx, x, y, 4.5 * devicePixelRatio, "diamond", COLORS.unseen, false);
        }))],
      },
    };
    const plot = new uPlot(opts, [curve.map((c) => c.x), curve.map((c) => c.y)], el);
    return {
      plot,
      drawn: {
        kind: "sweep", key: fit.key, sequence: fit.sequence, form: fit.form, x_axis: fit.x_axis,
        points: drawnPoints.map((p) => ({ run_id: p.run_id, x: p.x, y: p.y, seen: p.seen })),
        curve, band, breaks: breaks.map((b) => b.x), markers,
      },
    };
  }

  return { series, sweep };
})();

const Fmt = {
  si(v) {
    if (v == null || !Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a >= 1e15) return v.toExponential(a / Math.pow(10, Math.floor(Math.log10(a))) === 1 ? 0 : 1).replace("e+", "e");
    for (const [d, s] of [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]]) {
      if (a >= d) return +(v / d).toPrecision(3) + s;
    }
    return +v.toPrecision(3) + "";
  },
  value(v) {
    if (v == null) return "–";
    if (typeof v === "string") return v;
    return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
  },
  ago(ms) {
    if (ms == null) return "–";
    const s = Math.max(0, (Date.now() - ms) / 1000);
    if (s < 60) return Math.round(s) + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return Math.round(s / 3600) + " h ago";
    return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  },
};
