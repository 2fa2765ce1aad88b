package dev.scalewatch.app.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.testing.RunningPostgres;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertKind;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.FitScope;
import dev.scalewatch.schemas.Interval;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.ParameterEstimate;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Severity;
import dev.scalewatch.sinks.store.Batch;
import dev.scalewatch.sinks.store.Store;
import dev.scalewatch.sinks.store.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every SQL query of the Grafana store dashboard ({@code grafana/dashboards/scalewatch-store.json}:
 * its template variables and its panels) runs against a real PostgreSQL store holding runs, points
 * (with NaN and infinities), fits and alerts written by {@link StoreWriter}, and returns rows.
 * Variables take the values their own queries give (a multi-value variable all of them, quoted as
 * Grafana quotes them); Grafana's macros get a time range that holds the data.
 */
class StoreDashboardIT {

  @RegisterExtension static final RunningPostgres postgres = new RunningPostgres();

  static final Path DASHBOARD = Path.of("..", "grafana", "dashboards", "scalewatch-store.json");
  static final String DATASOURCE_UID = "postgres";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Grafana's time-range macros, with a range from 1970 to 2100. */
  static final Map<String, String> MACROS =
      Map.of(
          "$__unixEpochFrom()", "0",
          "$__unixEpochTo()", "4102444800",
          "$__interval_ms", "60000");

  static final Pattern TIME_FILTER =
      Pattern.compile("\\$__timeFilter\\(([^()]*(\\([^()]*\\))?[^()]*)\\)");

  static String url;

  @BeforeAll
  static void fillStore() throws Exception {
    url = postgres.createDatabase("dashboard_it");
    try (Store store = Store.openJdbc(url, postgres.login());
        StoreWriter writer = store.writer()) {
      Batch batch = new Batch();
      batch.add(run("r1", RunStatus.RUNNING)).add(run("r2", RunStatus.FAILED));
      for (long step = 1; step <= 300; step++) {
        batch.add(point("r1", step, 2 + 10 * Math.pow(step, -0.3)));
        double diverging = step < 250 ? 2.5 + 8 * Math.pow(step, -0.3) : Double.NaN;
        batch.add(point("r2", step, step == 300 ? Double.POSITIVE_INFINITY : diverging));
        // A run known only by its points (no run record yet).
        batch.add(point("r3", step, 3 + Math.pow(step, -0.5)));
      }
      batch.add(fit("p/r1/train/loss/steps", 1)).add(fit("p/r1/train/loss/steps", 2));
      batch.add(fit("p/fam/hellaswag/acc/params", 1));
      batch
          .add(alert("spike/p/r1", AlertState.FIRING))
          .add(alert("spike/p/r1", AlertState.RESOLVED));
      batch.add(alert("divergence/p/r2", AlertState.FIRING));
      writer.write(batch);
    }
  }

  @Test
  void shouldAnswerEveryQueryOfTheStoreDashboardWithRows() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Map<String, String> variables = new LinkedHashMap<>();
    try (Connection connection = DriverManager.getConnection(url, postgres.login())) {
      for (JsonNode variable : dashboard.get("templating").get("list")) {
        assertThat(variable.get("datasource").get("uid").asText()).isEqualTo(DATASOURCE_UID);
        String name = variable.get("name").asText();
        List<String> values =
            firstColumn(connection, substitute(variable.get("query").asText(), variables));
        assertThat(values).as("values of variable $%s", name).isNotEmpty();
        boolean multi = variable.get("multi").asBoolean() || variable.get("includeAll").asBoolean();
        variables.put(
            name,
            multi
                ? values.stream()
                    .map(v -> "'" + v.replace("'", "''") + "'")
                    .collect(Collectors.joining(","))
                : values.get(0));
      }
      assertThat(variables).containsEntry("project", "p").containsKey("run");

      List<String> panels = new ArrayList<>();
      for (JsonNode panel : dashboard.get("panels")) {
        String title = panel.get("title").asText();
        panels.add(title);
        for (JsonNode target : panel.get("targets")) {
          assertThat(target.get("datasource").get("uid").asText()).isEqualTo(DATASOURCE_UID);
          String sql = substitute(target.get("rawSql").asText(), variables);
          assertThat(firstColumn(connection, sql))
              .as("rows of panel '%s':%n%s", title, sql)
              .isNotEmpty();
        }
      }
      assertThat(panels)
          .contains("Runs by status", "Alerts", "Latest fit of each key")
          .anyMatch(title -> title.startsWith("Loss curves"));
    }
  }

  @Test
  void shouldShowEachFitsParametersWithTheirIntervals() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    String sql = null;
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.get("title").asText().equals("Latest fit of each key")) {
        sql = panel.get("targets").get(0).get("rawSql").asText();
      }
    }
    assertThat(sql).isNotNull();
    try (Connection connection = DriverManager.getConnection(url, postgres.login());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(substitute(sql, Map.of("project", "p")))) {
      Map<String, String> parametersByKey = new LinkedHashMap<>();
      Map<String, Long> refitByKey = new LinkedHashMap<>();
      while (rows.next()) {
        parametersByKey.put(rows.getString("key"), rows.getString("parameters"));
        refitByKey.put(rows.getString("key"), rows.getLong("refit"));
      }
      assertThat(refitByKey).containsEntry("p/r1/train/loss/steps", 2L).hasSize(2);
      assertThat(parametersByKey.get("p/r1/train/loss/steps"))
          .isEqualTo("a = 2.0 [1.5, 2.5]; b = 20.0 [10.0, 30.0]; c0 = 0.3");
    }
  }

  /** Replaces the variables ({@code $name}) and Grafana's macros; fails on anything left. */
  static String substitute(String sql, Map<String, String> variables) {
    String result = sql;
    for (var macro : MACROS.entrySet()) {
      result = result.replace(macro.getKey(), macro.getValue());
    }
    Matcher timeFilter = TIME_FILTER.matcher(result);
    result =
        timeFilter.replaceAll(
            m ->
                Matcher.quoteReplacement(
                    m.group(1) + " BETWEEN '1970-01-01T00:00:00Z' AND '2100-01-01T00:00:00Z'"));
    // Longest names first, so that $run never eats the start of a $runs.
    List<String> names = new ArrayList<>(variables.keySet());
    names.sort((a, b) -> b.length() - a.length());
    for (String name : names) {
      result =
          result
              .replace("${" + name + "}", variables.get(name))
              .replace("$" + name, variables.get(name));
    }
    assertThat(result).as("a variable or macro the test does not know").doesNotContain("$");
    return result;
  }

  static List<String> firstColumn(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  static Run run(String runId, RunStatus status) {
    return Run.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setName("run " + runId)
        .setModelFamily("fam")
        .setParameters(410_000_000L)
        .setStatus(status)
        .setStartedAt(T0)
        .setUpdatedAt(T0)
        .build();
  }

  static MetricPoint point(String runId, long step, double value) {
    return MetricPoint.newBuilder()
        .setProject("p")
        .setRunId(runId)
        .setStep(step)
        .setEventTime(T0.plusSeconds(step))
        .setMetric("train/loss")
        .setValue(value)
        .build();
  }

  static Fit fit(String key, long sequence) {
    boolean run = key.startsWith("p/r1/");
    return Fit.newBuilder()
        .setProject("p")
        .setScope(run ? FitScope.RUN : FitScope.SWEEP)
        .setRunId(run ? "r1" : null)
        .setTask(run ? null : "hellaswag")
        .setKey(key)
        .setMetric(run ? "train/loss" : "acc")
        .setXAxis(run ? "steps" : "params")
        .setForm("power-law-floor")
        .setParameters(
            List.of(
                parameter("a", 2.0, new Interval(1.5, 2.5, 0.95)),
                parameter("b", 20.0 / (3 - sequence), new Interval(10.0, 30.0, 0.95)),
                parameter("c0", 0.3, null)))
        .setXMin(1)
        .setXMax(300)
        .setPointCount(300)
        .setErrorInSample(0.004)
        .setFitDurationMicros(900)
        .setSequence(sequence)
        .setEventTime(T0.plusSeconds(300))
        .build();
  }

  static ParameterEstimate parameter(String name, double value, Interval interval) {
    return ParameterEstimate.newBuilder()
        .setName(name)
        .setValue(value)
        .setInterval(interval)
        .build();
  }

  static Alert alert(String id, AlertState state) {
    boolean spike = id.startsWith("spike");
    return Alert.newBuilder()
        .setId(id)
        .setKind(spike ? AlertKind.LOSS_SPIKE : AlertKind.DIVERGENCE)
        .setSeverity(spike ? Severity.WARNING : Severity.CRITICAL)
        .setState(state)
        .setProject("p")
        .setRunId(spike ? "r1" : "r2")
        .setMetric("train/loss")
        .setSummary(spike ? "loss spiked at step 40" : "loss is NaN at step 250")
        .setStartsAt(T0.plusSeconds(spike ? 40 : 250))
        .setEndsAt(state == AlertState.RESOLVED ? T0.plusSeconds(60) : null)
        .build();
  }
}
