package dev.scalewatch.app.replay;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns the long results format {@code run_id,task,x_name,x,y_name,y} into raw events, in x order.
 *
 * <p>The rows of one (run, task, step, metric, value) describe one measurement seen along several x
 * axes (e.g. the same accuracy against {@code params} and against {@code train_flops}); they become
 * one event carrying every axis: {@code params} (or {@code parameters}) sets the parameter count,
 * {@code train_flops}/{@code flops}/{@code compute} the compute, {@code tokens} the tokens seen and
 * {@code step} the step (0 otherwise). Each run also gets a {@link Run} record (family and name
 * from a {@code family|model} run id, parameters from its {@code params} rows), sent before the
 * run's first event. Events are ordered by parameter count, then compute, then step: the order in
 * which a sweep would finish.
 *
 * <p>Errors name the line, the column and the value. Stateless; one call reads one file.
 */
public final class LongCsvEvents {

  private static final List<String> HEADER =
      List.of("run_id", "task", "x_name", "x", "y_name", "y");

  private LongCsvEvents() {}

  /** The events of one file, and how many data rows it had. */
  public record Events(List<SpecificRecord> events, int rows) {}

  /** One measurement (several rows, one per x axis). */
  private static final class Measurement {
    final String runId;
    final String task;
    final String metric;
    final double value;
    Long parameters;
    Double flops;
    Long tokens;
    long step;

    Measurement(String runId, String task, String metric, double value) {
      this.runId = runId;
      this.task = task;
      this.metric = metric;
      this.value = value;
    }
  }

  /**
   * Reads {@code file} and returns its events for {@code project}.
   *
   * @throws IllegalArgumentException naming line, column and value for a bad row
   * @throws IOException if the file cannot be read
   */
  public static Events read(Path file, String project, ReplayFormat format, Instant start)
      throws IOException {
    Map<String, Measurement> measurements = new LinkedHashMap<>();
    Map<String, Long> parametersByRun = new LinkedHashMap<>();
    int rows = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null || !List.of(header.trim().split(",")).equals(HEADER)) {
        throw new IllegalArgumentException(
            file + " line 1: header must be " + String.join(",", HEADER) + ": " + header);
      }
      String line;
      int number = 1;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (cells.length != HEADER.size()) {
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "%s line %d: expected %d columns, found %d: %s",
                  file,
                  number,
                  HEADER.size(),
                  cells.length,
                  line));
        }
        rows++;
        String runId = required(file, number, "run_id", cells[0]);
        String task = required(file, number, "task", cells[1]);
        String axis = required(file, number, "x_name", cells[2]).toLowerCase(Locale.ROOT);
        double x = number(file, number, "x", cells[3]);
        String metric = required(file, number, "y_name", cells[4]);
        double y = number(file, number, "y", cells[5]);
        String key =
            runId + '\u0000' + task + '\u0000' + metric + '\u0000' + Double.doubleToLongBits(y);
        Measurement m =
            measurements.computeIfAbsent(key, k -> new Measurement(runId, task, metric, y));
        switch (axis) {
          case "params", "parameters" -> {
            m.parameters = Math.round(x);
            parametersByRun.put(runId, m.parameters);
          }
          case "train_flops", "flops", "compute" -> m.flops = x;
          case "tokens", "tokens_seen" -> m.tokens = Math.round(x);
          case "step", "steps" -> m.step = Math.round(x);
          default ->
              throw new IllegalArgumentException(
                  String.format(
                      Locale.ROOT,
                      "%s line %d: x_name must be one of params, train_flops, tokens, step: %s",
                      file,
                      number,
                      cells[2]));
        }
      }
    }
    if (rows == 0) {
      throw new IllegalArgumentException(file + " has a header but no rows");
    }
    List<Measurement> ordered = new ArrayList<>(measurements.values());
    ordered.forEach(
        m -> m.parameters = m.parameters != null ? m.parameters : parametersByRun.get(m.runId));
    ordered.sort(
        Comparator.comparing(
                (Measurement m) -> m.parameters == null ? Long.MAX_VALUE : m.parameters)
            .thenComparing(m -> m.flops == null ? Double.MAX_VALUE : m.flops)
            .thenComparingLong(m -> m.step));
    List<SpecificRecord> events = new ArrayList<>();
    Map<String, Boolean> runsSent = new LinkedHashMap<>();
    long millis = start.toEpochMilli();
    for (Measurement m : ordered) {
      Instant time = Instant.ofEpochMilli(millis++);
      if (runsSent.putIfAbsent(m.runId, true) == null) {
        events.add(run(project, m.runId, parametersByRun.get(m.runId), time));
      }
      events.add(format == ReplayFormat.EVALS ? eval(project, m, time) : point(project, m, time));
    }
    return new Events(events, rows);
  }

  private static Run run(String project, String runId, Long parameters, Instant time) {
    int bar = runId.indexOf('|');
    return Run.newBuilder()
        .setProject(project)
        .setRunId(runId)
        .setModelFamily(bar > 0 ? runId.substring(0, bar) : null)
        .setName(bar > 0 ? runId.substring(bar + 1) : runId)
        .setParameters(parameters)
        .setStatus(RunStatus.FINISHED)
        .setUpdatedAt(time)
        .build();
  }

  private static EvalResult eval(String project, Measurement m, Instant time) {
    return EvalResult.newBuilder()
        .setProject(project)
        .setRunId(m.runId)
        .setStep(m.step)
        .setTokensSeen(m.tokens)
        .setFlops(m.flops)
        .setParameters(m.parameters)
        .setTask(m.task)
        .setMetric(m.metric)
        .setValue(m.value)
        .setEventTime(time)
        .build();
  }

  private static MetricPoint point(String project, Measurement m, Instant time) {
    return MetricPoint.newBuilder()
        .setProject(project)
        .setRunId(m.runId)
        .setStep(m.step)
        .setTokensSeen(m.tokens)
        .setFlops(m.flops)
        .setParameters(m.parameters)
        .setMetric(m.task + "/" + m.metric)
        .setValue(m.value)
        .setEventTime(time)
        .build();
  }

  private static String required(Path file, int line, String column, String cell) {
    if (cell.isBlank()) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "%s line %d: %s is empty", file, line, column));
    }
    return cell.trim();
  }

  private static double number(Path file, int line, String column, String cell) {
    try {
      return Double.parseDouble(cell.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT, "%s line %d: %s must be a number: %s", file, line, column, cell));
    }
  }
}
