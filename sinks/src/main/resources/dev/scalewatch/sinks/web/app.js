// The dashboard: hash-routed views over the JSON API, refreshed by the store's change events.
// window.scalewatch holds what each view drew (for people and tests): {view, ready, drawnAt,
// charts: {id: drawn}, errors: [...], events: {hello, change, resync}}.
"use strict";

const state = (window.scalewatch = { view: null, ready: false, drawnAt: null, charts: {}, errors: [],
                                     events: { hello: 0, change: 0, resync: 0 } });
const $view = document.getElementById("view");
const PAGE_SIZE = 50;
const enc = encodeURIComponent;

async function api(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k.startsWith("data")) el.setAttribute(k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : String(c));
  return el;
}

const badge = (text) => h("span", { class: "badge " + text }, text);

/** Calls fn at most once per `ms`, the last call winning. */
function throttle(fn, ms) {
  let timer = null;
  return () => { if (!timer) timer = setTimeout(() => { timer = null; fn(); }, ms); };
}

function drawn() {
  state.ready = true;
  if (state.drawnAt == null) state.drawnAt = performance.now();
}

function chartWidth(el) {
  return Math.max(320, Math.floor(el.getBoundingClientRect().width) - 4);
}

function parseRoute() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = (path || "/").split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query || "") };
}

function keyParts(key) {
  return key.split("/").map((p) => p.replace(/%2F/g, "/").replace(/%25/g, "%"));
}

async function firingAlerts(project) {
  return (await api("/api/alerts?state=firing" + (project ? "&project=" + enc(project) : ""))).alerts;
}

// ---- runs list ----------------------------------------------------------------------------
const RunsView = {
  name: "runs",
  filter: { project: "", status: "", text: "", page: 0 },
  async render() {
    const [{ runs }, firing] = await Promise.all([api("/api/runs"), firingAlerts()]);
    const stalled = new Set(firing.filter((a) => a.kind === "STALL").map((a) => a.project + "/" + a.run_id));
    runs.forEach((r) => { r.shown_status = stalled.has(r.project + "/" + r.run_id) ? "STALLED" : r.status; });
    this.runs = runs;
    const projects = [...new Set(runs.map((r) => r.project))].sort();
    const f = this.filter;
    const rows = runs.filter((r) => (!f.project || r.project === f.project)
      && (!f.status || r.shown_status === f.status)
      && (!f.text || (r.run_id + " " + (r.name || "") + " " + (r.model_family || "")).toLowerCase().includes(f.text)));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    f.page = Math.min(f.page, pages - 1);
    const page = rows.slice(f.page * PAGE_SIZE, (f.page + 1) * PAGE_SIZE);
    const count = (s) => runs.filter((r) => r.shown_status === s).length;
    const select = (value, options, onchange) => h("select", { onchange },
      options.map(([v, label]) => h("option", { value: v, ...(v === value ? { selected: "" } : {}) }, label)));
    const table = h("table", { id: "runs", dataRows: rows.length, dataShown: page.length },
      h("thead", {}, h("tr", {}, ["project", "run", "family", "parameters", "status", "last step", "last loss", "updated"]
        .map((t, i) => h("th", { class: i === 3 || i === 5 || i === 6 ? "num" : null }, t)))),
      h("tbody", {}, page.map((r) => h("tr", { dataRun: r.project + "/" + r.run_id,
          onclick: () => { location.hash = `#/run/${enc(r.project)}/${enc(r.run_id)}`; } },
        h("td", {}, r.project),
        h("td", { class: "run", title: r.run_id }, h("a", { href: `#/run/${enc(r.project)}/${enc(r.run_id)}` }, r.name || r.run_id)),
        h("td", {}, r.model_family || "–"),
        h("td", { class: "num" }, r.parameters == null ? "–" : Fmt.si(r.parameters)),
        h("td", {}, badge(r.shown_status)),
        h("td", { class: "num" }, r.last_step == null ? "–" : r.last_step.toLocaleString("en-US")),
        h("td", { class: "num" }, r.last_loss ? Fmt.value(r.last_loss.value) : "–"),
        h("td", {}, Fmt.ago(r.updated_at))))));
    $view.replaceChildren(
      h("h1", {}, "Runs"),
      h("div", { class: "sub" }, `${runs.length} runs: ${count("RUNNING")} running, ${count("FINISHED")} finished, `
        + `${count("FAILED")} failed, ${count("STALLED")} stalled`),
      h("div", { class: "toolbar" },
        select(f.project, [["", "all projects"], ...projects.map((p) => [p, p])], (e) => { f.project = e.target.value; f.page = 0; this.render(); }),
        select(f.status, [["", "any status"], ...["RUNNING", "STALLED", "FINISHED", "FAILED", "KILLED", "UNKNOWN"].map((s) => [s, s.toLowerCase()])],
          (e) => { f.status = e.target.value; f.page = 0; this.render(); }),
        h("input", { type: "search", placeholder: "filter runs", value: f.text,
          onchange: (e) => { f.text = e.target.value.toLowerCase(); f.page = 0; this.render(); } })),
      h("div", { class: "panel", style: "padding:0" }, table),
      h("div", { class: "pager" },
        h("button", { onclick: () => { f.page--; this.render(); }, ...(f.page === 0 ? { disabled: "" } : {}) }, "‹ previous"),
        `${rows.length ? f.page * PAGE_SIZE + 1 : 0}–${f.page * PAGE_SIZE + page.length} of ${rows.length}`,
        h("button", { onclick: () => { f.page++; this.render(); }, ...(f.page >= pages - 1 ? { disabled: "" } : {}) }, "next ›")));
    drawn();
  },
  onChange(change) {
    if (change.runs.length || change.series.length || change.alerts.length) this.refresh();
  },
};

// ---- one run --------------------------------------------------------------------------------
const RunView = {
  name: "run",
  async render({ parts, params }) {
    const [, project, run] = parts;
    Object.assign(this, { project, run, zoom: this.run === run && this.project === project ? this.zoom : {} });
    const base = `/api/runs/${enc(project)}/${enc(run)}`;
    const [{ runs }, { metrics }, { fits }, { alerts }] = await Promise.all([
      api("/api/runs?project=" + enc(project)), api(base + "/metrics"),
      api(`/api/fits?project=${enc(project)}&run=${enc(run)}`), api("/api/alerts?project=" + enc(project))]);
    const summary = runs.find((r) => r.run_id === run) || { run_id: run, status: "UNKNOWN" };
    const own = alerts.filter((a) => a.run_id === run);
    if (own.some((a) => a.kind === "STALL" && a.state === "FIRING")) summary.status = "STALLED";
    this.metrics = metrics.slice().sort((a, b) => (b.metric.includes("loss") - a.metric.includes("loss")) || a.metric.localeCompare(b.metric)).slice(0, 6);
    // a schedule-aware fit (form lr_annealing*, it knows the warm-down) before the learning curve of its metric
    const plain = (f) => (f.form.startsWith("lr_annealing") ? 0 : 1);
    this.fits = fits.filter((f) => f.scope === "RUN").sort((a, b) => plain(a) - plain(b));
    const fact = (label, value) => h("div", {}, label, h("b", {}, value));
    const lossFit = this.fits.find((f) => f.metric.includes("loss"));
    const forecast = lossFit && lossFit.band.length ? lossFit.band[lossFit.band.length - 1] : null;
    $view.replaceChildren(
      h("h1", {}, run, " ", badge(summary.status)),
      h("div", { class: "sub" }, h("a", { href: "#/" }, "Runs"), ` / ${project}` + (summary.name && summary.name !== run ? ` / ${summary.name}` : "")),
      h("div", { class: "facts" },
        fact("family", summary.model_family || "–"),
        fact("parameters", summary.parameters == null ? "–" : Fmt.si(summary.parameters)),
        fact("last step", summary.last_step == null ? "–" : summary.last_step.toLocaleString("en-US")),
        fact("last loss", summary.last_loss ? Fmt.value(summary.last_loss.value) : "–"),
        fact("updated", Fmt.ago(summary.updated_at)),
        forecast ? fact(`forecast at step ${Fmt.si(forecast.x)}`, `${Fmt.value(forecast.y)} [${Fmt.value(forecast.lower)}, ${Fmt.value(forecast.upper)}]`) : null,
        ...(lossFit ? lossFit.targets.map((t) => fact(`target ${t.target}`, t.status === "FORECAST" ? `step ${Fmt.si(t.x)}` : t.status.toLowerCase())) : [])),
      h("div", { id: "series" }),
      own.length ? h("div", { class: "panel" }, h("h2", {}, "Alerts of this run"), own.map(alertRow)) : null);
    if (!this.metrics.length) $view.querySelector("#series").append(h("div", { class: "panel empty" }, "No points yet."));
    await Promise.all(this.metrics.map((m) => this.drawSeries(m, params.get("metric") === m.metric)));
    drawn();
  },
  async drawSeries(m, highlight) {
    const id = `series:${m.metric}:${m.split}`;
    let panel = document.getElementById(id);
    if (!panel) {
      panel = h("div", { class: "panel" + (highlight ? " highlight" : ""), id });
      $view.querySelector("#series").append(panel);
    }
    const zoom = this.zoom[id];
    const width = chartWidth(panel) - 32;
    const range = zoom ? `&from=${zoom.from}&to=${zoom.to}` : "";
    const series = await api(`/api/runs/${enc(this.project)}/${enc(this.run)}/series?metric=${enc(m.metric)}&split=${enc(m.split)}&buckets=${width}${range}`);
    series.zoomed = !!zoom;
    const fit = this.fits.find((f) => f.metric === m.metric && f.x_axis === "steps");
    const chart = h("div", { class: "chart" });
    const result = Charts.series(chart, { series, fit, width,
      onSelect: (from, to) => { this.zoom[id] = { from, to }; this.drawSeries(m, false); } });
    state.charts[id] = result.drawn;
    chart.dataset.points = series.point_count;
    chart.dataset.lastStep = result.drawn.last_step;
    panel.replaceChildren(
      h("h2", {}, `${m.metric} (${m.split})`),
      h("div", { class: "hint" }, zoom
        ? [`steps ${zoom.from.toLocaleString("en-US")}–${zoom.to.toLocaleString("en-US")}, ${series.bucket_steps === 1 ? "every point" : series.bucket_steps + " steps per bucket"} `,
           h("button", { onclick: () => { delete this.zoom[id]; this.drawSeries(m, false); } }, "reset zoom")]
        : `${series.point_count.toLocaleString("en-US")} points, ${series.bucket_steps === 1 ? "every point shown" : series.bucket_steps + " steps per bucket"} (drag across the chart to zoom to full resolution)`),
      chart,
      h("div", { class: "legend" },
        h("span", {}, h("i", { style: "background:#2f6fdb;height:2px" }), "last value per bucket"),
        h("span", {}, h("i", { style: "background:rgba(47,111,219,.25)" }), "min–max of bucket"),
        h("span", {}, h("i", { style: "background:#c92a2a;clip-path:polygon(0 0,100% 0,50% 100%)" }), "NaN / infinity"),
        fit && !zoom ? h("span", {}, h("i", { style: "border-top:2px dashed #7048e8;height:0" }), `learning-curve fit (${fit.form}, #${fit.sequence}) and forecast band`) : null));
  },
  onChange(change) {
    const mine = change.series.filter((s) => s.project === this.project && s.run_id === this.run);
    const refit = change.fits.some((f) => f.project === this.project && f.run_id === this.run);
    if (refit || change.runs.some((r) => r.project === this.project && r.run_id === this.run)
        || mine.some((s) => !this.metrics.some((m) => m.metric === s.metric && m.split === s.split))) {
      this.refresh();
    } else if (mine.length) {
      this.refreshSeries();
    }
  },
  refreshSeries: throttle(() => {
    const view = RunView;
    Promise.all(view.metrics.map((m) => view.drawSeries(m, false))).catch(showError);
  }, 250),
};

// ---- tasks ---------------------------------------------------------------------------------
const TasksView = {
  name: "tasks",
  async render() {
    const [{ tasks }, { fits }] = await Promise.all([api("/api/tasks"), api("/api/fits")]);
    const fitted = new Set(fits.filter((f) => f.scope === "SWEEP").map((f) => f.project + "/" + f.task));
    $view.replaceChildren(
      h("h1", {}, "Tasks"),
      h("div", { class: "sub" }, `${tasks.length} eval tasks; each page shows the task's sweeps with their fitted laws`),
      h("div", { class: "panel", style: "padding:0" }, h("table", { id: "tasks" },
        h("thead", {}, h("tr", {}, ["project", "task", "runs", "results", "fitted"].map((t, i) => h("th", { class: i === 2 || i === 3 ? "num" : null }, t)))),
        h("tbody", {}, tasks.map((t) => h("tr", { onclick: () => { location.hash = `#/task/${enc(t.project)}/${enc(t.task)}`; } },
          h("td", {}, t.project), h("td", {}, h("a", { href: `#/task/${enc(t.project)}/${enc(t.task)}` }, t.task)),
          h("td", { class: "num" }, t.run_count), h("td", { class: "num" }, t.result_count),
          h("td", {}, fitted.has(t.project + "/" + t.task) ? "yes" : "–")))))));
    drawn();
  },
  onChange(change) {
    if (change.evals.length || change.fits.length) this.refresh();
  },
};

/** Alerts whose predicted x the sweep charts mark, with their label. */
const MARKED = { PREDICTED_INFLECTION: "predicted inflection", EMERGENCE: "emergence",
                 SHARP_TRANSITION: "sharp transition" };

const AXES = { params: "parameters", tokens: "tokens_seen", flops: "flops" };

const TaskView = {
  name: "task",
  async render({ parts, params }) {
    const [, project, task] = parts;
    Object.assign(this, { project, task });
    const [{ fits }, { points }, { alerts }] = await Promise.all([
      api(`/api/fits?project=${enc(project)}&task=${enc(task)}`),
      api(`/api/evals?project=${enc(project)}&task=${enc(task)}`),
      api("/api/alerts?project=" + enc(project))]);
    const sweeps = fits.filter((f) => f.scope === "SWEEP" && AXES[f.x_axis])
      .sort((a, b) => Object.keys(AXES).indexOf(a.x_axis) - Object.keys(AXES).indexOf(b.x_axis) || a.key.localeCompare(b.key));
    const focus = params.get("key");
    const taskAlerts = alerts.filter((a) => a.task === task);
    $view.replaceChildren(
      h("h1", {}, task),
      h("div", { class: "sub" }, h("a", { href: "#/tasks" }, "Tasks"), ` / ${project}: ${new Set(points.map((p) => p.run_id)).size} runs, ${sweeps.length} fitted sweeps`),
      h("div", { class: "legend", style: "margin-bottom:12px" },
        h("span", {}, h("i", { style: "background:#2f6fdb;border-radius:50%;width:10px" }), "point the fit used"),
        h("span", {}, h("i", { style: "border:2px solid #e8590c;transform:rotate(45deg);width:9px;height:9px" }), "point the fit has not seen (newer, or beyond its range)"),
        h("span", {}, h("i", { style: "background:#7048e8;height:2px" }), "fitted law"),
        h("span", {}, h("i", { style: "background:rgba(112,72,232,.2)" }), "its 95% band"),
        h("span", {}, h("i", { style: "border-left:2px dashed #868e96;height:12px;width:2px" }), "break"),
        h("span", {}, h("i", { style: "background:rgba(214,51,108,.25);border-left:2px dashed #d6336c" }), "predicted inflection or emergence, with its interval")),
      h("div", { class: "grid", id: "sweeps" }),
      taskAlerts.length ? h("div", { class: "panel" }, h("h2", {}, "Alerts of this task"), taskAlerts.map(alertRow)) : null);
    if (!sweeps.length) $view.querySelector("#sweeps").append(h("div", { class: "panel empty" }, "No sweep fitted yet: a fit needs results of several runs."));
    for (const fit of sweeps) {
      const family = keyParts(fit.key)[1];
      const axisField = AXES[fit.x_axis];
      const mine = points.filter((p) => p.metric === fit.metric && (p.model_family || "-") === family)
        .map((p) => ({ run_id: p.run_id, x: p[axisField], y: typeof p.value === "number" ? p.value : NaN, event_time: p.event_time }))
        .filter((p) => p.x > 0 && Number.isFinite(p.y));
      const markers = taskAlerts.filter((a) => a.predicted_x != null && MARKED[a.kind]
          && (a.fit_key ? a.fit_key === fit.key
                        : a.x_axis === fit.x_axis && a.metric === fit.metric && (a.labels.model_family || "-") === family))
        .map((a) => ({ x: a.predicted_x, interval: a.predicted_x_interval, label: MARKED[a.kind], alert: a.id, state: a.state }));
      const id = "sweep:" + fit.key;
      const panel = h("div", { class: "panel" + (focus === fit.key ? " highlight" : ""), id });
      $view.querySelector("#sweeps").append(panel);
      const width = chartWidth(panel) - 32;
      const chart = h("div", { class: "chart" });
      panel.append(
        h("h2", {}, `${family} · ${fit.metric} vs ${fit.x_axis}`),
        h("div", { class: "hint" }, `${fit.form}${fit.break_count ? `, ${fit.break_count} break${fit.break_count > 1 ? "s" : ""}` : ""}`
          + ` · fit #${fit.sequence} on ${fit.point_count} points · RMSE(log10) ${Fmt.value(fit.error_in_sample)}`
          + (fit.error_out_of_sample == null ? "" : `, held out ${Fmt.value(fit.error_out_of_sample)}`)),
        chart);
      const result = Charts.sweep(chart, { fit, points: mine, markers, width });
      state.charts[id] = result.drawn;
      Object.assign(chart.dataset, { points: mine.length, curve: result.drawn.curve.length, band: result.drawn.band.length });
      if (fit.targets && fit.targets.length) {
        panel.append(h("div", { class: "hint" }, fit.targets.map((t) => `target ${t.target}: ${t.status === "FORECAST" ? `${fit.x_axis} ${Fmt.si(t.x)}` : t.status.toLowerCase()}`).join(" · ")));
      }
    }
    if (focus) { const el = document.getElementById("sweep:" + focus); if (el) el.scrollIntoView(); }
    drawn();
  },
  onChange(change) {
    if (change.evals.some((e) => e.project === this.project && e.task === this.task)
        || change.fits.some((f) => f.project === this.project && f.task === this.task)
        || change.alerts.some((a) => a.project === this.project)) this.refresh();
  },
};

// ---- alerts --------------------------------------------------------------------------------
function evidenceLink(a) {
  if (a.run_id) return `#/run/${enc(a.project)}/${enc(a.run_id)}` + (a.metric ? "?metric=" + enc(a.metric) : "");
  if (a.task) return `#/task/${enc(a.project)}/${enc(a.task)}` + (a.fit_key ? "?key=" + enc(a.fit_key) : "");
  return null;
}

function alertRow(a) {
  const link = evidenceLink(a);
  return h("div", { class: "alert", dataAlert: a.id, dataState: a.state },
    h("div", {}, badge(a.state)),
    h("div", {}, h("b", {}, a.kind), " ", badge(a.severity)),
    h("div", {}, h("div", { class: "summary" }, a.summary),
      a.evidence ? h("div", { class: "evidence" }, a.evidence) : null,
      link ? h("a", { href: link, class: "evidence-link" }, a.run_id ? `chart of ${a.project}/${a.run_id}` : `chart of ${a.task}`) : null),
    h("div", { class: "when" }, Fmt.ago(a.starts_at), a.ends_at ? h("div", {}, "resolved " + Fmt.ago(a.ends_at)) : null));
}

const AlertsView = {
  name: "alerts",
  show: "all",
  async render() {
    const { alerts } = await api("/api/alerts?state=" + this.show);
    $view.replaceChildren(
      h("h1", {}, "Alerts"),
      h("div", { class: "toolbar" }, ["all", "firing", "resolved"].map((s) =>
        h("button", { onclick: () => { this.show = s; this.render(); }, style: s === this.show ? "font-weight:700" : null }, s))),
      h("div", { class: "panel", id: "alerts" }, alerts.length ? alerts.map(alertRow) : h("div", { class: "empty" }, "No alerts.")));
    drawn();
  },
  onChange(change) {
    if (change.alerts.length) this.refresh();
  },
};

// ---- routing and live updates ---------------------------------------------------------------
const VIEWS = { "": RunsView, run: RunView, tasks: TasksView, task: TaskView, alerts: AlertsView };
for (const view of Object.values(VIEWS)) {
  view.refresh = throttle(() => { if (state.view === view.name) view.render(parseRoute()).catch(showError); }, 300);
}

function showError(e) {
  console.error(e);
  state.errors.push(String(e && e.stack ? e.stack : e));
  $view.append(h("div", { class: "panel", style: "color:#c92a2a" }, "Could not load: " + e.message));
}

async function route() {
  const r = parseRoute();
  const view = VIEWS[r.parts[0] || ""] || RunsView;
  state.view = view.name;
  state.ready = false;
  state.charts = {};
  document.querySelectorAll("[data-nav]").forEach((a) => a.classList.toggle("active",
    a.dataset.nav === (view.name === "run" ? "runs" : view.name === "task" ? "tasks" : view.name)));
  try {
    await view.render(r);
  } catch (e) {
    showError(e);
  }
}

async function updateFiringCount() {
  const firing = await firingAlerts();
  document.getElementById("firing-count").textContent = firing.length || "";
}
const refreshFiringCount = throttle(() => updateFiringCount().catch(() => {}), 1000);

function follow() {
  const live = document.getElementById("live");
  const source = new EventSource("/api/events");
  source.addEventListener("hello", () => {
    // After a reconnect, changes may have been missed: fetch what is shown again.
    if (++state.events.hello > 1) Object.values(VIEWS).find((v) => v.name === state.view).refresh();
    live.className = "live on";
    live.textContent = "live";
  });
  source.addEventListener("change", (e) => {
    state.events.change++;
    const change = JSON.parse(e.data);
    if (change.alerts.length) refreshFiringCount();
    const view = Object.values(VIEWS).find((v) => v.name === state.view);
    if (view) view.onChange(change);
  });
  source.addEventListener("resync", () => {
    state.events.resync++;
    refreshFiringCount();
    Object.values(VIEWS).find((v) => v.name === state.view).refresh();
  });
  source.onerror = () => { live.className = "live off"; live.textContent = "reconnecting"; };
  // A page left behind (the browser may keep it for "back") must not hold a connection.
  window.addEventListener("pagehide", () => source.close(), { once: true });
}

window.addEventListener("pageshow", (e) => { if (e.persisted) { route(); follow(); } });

window.addEventListener("hashchange", route);
route();
updateFiringCount().catch(() => {});
follow();
