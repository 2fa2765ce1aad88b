package dev.scalewatch.sinks.api;

import dev.scalewatch.sinks.store.AlertStateFilter;
import dev.scalewatch.sinks.store.SeriesRequest;
import dev.scalewatch.sinks.store.StoreReader;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API over the store, added to the stack's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /api/runs[?project=P]}: {@code {"runs": [...]}}, each with status, last step,
 *       last loss and update time
 *   <li>{@code GET /api/runs/{project}/{run}/series?metric=M[&split=train][&from=S][&to=S]
 *       [&buckets=1000]}: one series downsampled into at most {@code buckets} buckets (min, max,
 *       first, last, count and NaN/infinity counts of each)
 *   <li>{@code GET /api/runs/{project}/{run}/metrics}: {@code {"metrics": [...]}}, each series of
 *       the run with its point count and step range
 *   <li>{@code GET /api/tasks[?project=P]}: {@code {"tasks": [...]}}, each eval task with its
 *       number of runs and results
 *   <li>{@code GET /api/evals?project=P&task=T}: {@code {"points": [...]}}, each run's latest
 *       result of the task per metric and shot count, with its parameters, tokens and FLOPs: the
 *       points of the task's sweeps
 *   <li>{@code GET /api/fits[?project=P][&task=T][&run=R]}: {@code {"fits": [...]}}, the latest fit
 *       of each key; {@code ?project=P&key=K}: every fit of one key, oldest first
 *   <li>{@code GET /api/alerts[?state=firing|resolved|all][&project=P]}: {@code {"alerts": [...]}},
 *       each alert in its current state, newest first
 * </ul>
 *
 * A bad parameter is a 400 {@code {"error": ..., "parameter": ..., "value": ...}}; a store failure
 * a 500 with its reason. Field names are the contract's (snake_case); times are epoch milliseconds;
 * NaN and infinities are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 * Thread-safe.
 */
public final class StoreApi {

  /** Buckets of a series when the request names none: about one per pixel of a wide chart. */
  public static final int DEFAULT_BUCKETS = 1000;

  private static final Logger log = LoggerFactory.getLogger(StoreApi.class);

  private final StoreReader store;

  public StoreApi(StoreReader store) {
    this.store = store;
  }

  public void addRoutes(Javalin app) {
    app.get("/api/runs", this::runs);
    app.get("/api/runs/{project}/{run}/series", this::series);
    app.get("/api/runs/{project}/{run}/metrics", this::metrics);
    app.get("/api/tasks", this::tasks);
    app.get("/api/evals", this::evals);
    app.get("/api/fits", this::fits);
    app.get("/api/alerts", this::alerts);
    app.exception(
        BadParameterException.class,
        (e, ctx) -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("error", e.getMessage());
          body.put("parameter", e.parameter());
          body.put("value", e.value());
          ctx.status(HttpStatus.BAD_REQUEST).json(body);
        });
    app.exception(
        SQLException.class,
        (e, ctx) -> {
          log.warn("Store query {} failed", ctx.path(), e);
          ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
              .json(Map.of("error", "the store failed to answer: " + e.getMessage()));
        });
  }

  private void runs(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("project"));
    ctx.json(Map.of("runs", store.runs(parameters.optional("project"))));
  }

  private void series(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("metric", "split", "from", "to", "buckets"));
    String metric = parameters.required("metric", "train/loss");
    String split = parameters.optional("split");
    Long from = parameters.optionalLong("from", 0, Long.MAX_VALUE);
    Long to = parameters.optionalLong("to", 0, Long.MAX_VALUE);
    Long buckets = parameters.optionalLong("buckets", 1, SeriesRequest.MAX_BUCKETS);
    if (from != null && to != null && from > to) {
      throw new BadParameterException(
          "to", String.valueOf(to), "parameter 'to' must be >= 'from': " + to + " < " + from);
    }
    ctx.json(
        store.series(
            new SeriesRequest(
                ctx.pathParam("project"),
                ctx.pathParam("run"),
                metric,
                split == null ? "train" : split,
                from,
                to,
                buckets == null ? DEFAULT_BUCKETS : buckets.intValue())));
  }

  private void metrics(Context ctx) throws SQLException {
    RequestParameters.of(ctx, Set.of());
    ctx.json(Map.of("metrics", store.metrics(ctx.pathParam("project"), ctx.pathParam("run"))));
  }

  private void tasks(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("project"));
    ctx.json(Map.of("tasks", store.tasks(parameters.optional("project"))));
  }

  private void evals(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("project", "task"));
    ctx.json(
        Map.of(
            "points",
            store.sweepPoints(
                parameters.required("project", "obsscaling"),
                parameters.required("task", "arithmetic_2da_2_acc"))));
  }

  private void fits(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("project", "task", "run", "key"));
    String project = parameters.optional("project");
    String key = parameters.optional("key");
    if (key != null) {
      if (project == null) {
        throw new BadParameterException(
            "project", null, "parameter 'project' is required with 'key' (key=" + key + ")");
      }
      ctx.json(Map.of("fits", store.fitHistory(project, key)));
      return;
    }
    ctx.json(
        Map.of(
            "fits",
            store.latestFits(project, parameters.optional("task"), parameters.optional("run"))));
  }

  private void alerts(Context ctx) throws SQLException {
    var parameters = RequestParameters.of(ctx, Set.of("state", "project"));
    String stateValue = parameters.optional("state");
    AlertStateFilter state;
    try {
      state = stateValue == null ? AlertStateFilter.ALL : AlertStateFilter.parse(stateValue);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException("state", stateValue, e.getMessage());
    }
    ctx.json(Map.of("alerts", store.alerts(state, parameters.optional("project"))));
  }
}
