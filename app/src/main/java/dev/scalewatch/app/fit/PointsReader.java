package dev.scalewatch.app.fit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads the two CSV layouts of {@code scalewatch fit}: the short one, {@code x,y[,stderr]} (or
 * {@code x,x2,y} for two-input forms), with an optional header; and the long one with the header
 * {@code run_id,task,x_name,x,y_name,y}, filtered by task, x axis and optionally run family. Every
 * problem is reported with its line, field and value. Stateless and thread-safe.
 */
final class PointsReader {

  static final List<String> LONG_HEADER = List.of("run_id", "task", "x_name", "x", "y_name", "y");

  /** What to keep from a long-format file. */
  record LongFilter(String task, String xName, String family) {}

  private PointsReader() {}

  /**
   * Reads {@code file}.
   *
   * @param twoInputs whether the short layout is {@code x,x2,y}
   * @param filter the long-format filter; its task and x name are required for long files
   * @throws InputException for an empty file, a bad cell, x <= 0, a NaN row or missing filters
   */
  static Points read(Path file, boolean twoInputs, LongFilter filter)
      throws InputException, IOException {
    if (!Files.isRegularFile(file)) {
      throw new InputException("fit input " + file + " does not exist or is not a file");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first == lines.size()) {
      throw new InputException(
          file
              + " is empty: expected rows x,y[,stderr] or the long format "
              + String.join(",", LONG_HEADER));
    }
    List<String> header = cells(lines.get(first));
    if (header.equals(LONG_HEADER)) {
      return readLong(file, lines, first + 1, filter);
    }
    boolean hasHeader = !header.isEmpty() && !isNumber(header.get(0));
    return readShort(
        file, lines, hasHeader ? first + 1 : first, twoInputs, hasHeader ? header : null);
  }

  private static Points readShort(
      Path file, List<String> lines, int start, boolean twoInputs, List<String> header)
      throws InputException {
    List<String> names =
        header != null ? header : twoInputs ? List.of("x", "x2", "y") : List.of("x", "y", "stderr");
    Builder b = new Builder(twoInputs);
    Boolean withStderr = null;
    for (int i = start; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> c = cells(lines.get(i));
      int line = i + 1;
      int min = twoInputs ? 3 : 2;
      int max = twoInputs ? 3 : 3;
      if (c.size() < min || c.size() > max) {
        throw new InputException(
            String.format(
                Locale.ROOT,
                "%s line %d: expected %s columns (%s), got %d: '%s'",
                file.getFileName(),
                line,
                min == max ? String.valueOf(min) : min + " or " + max,
                twoInputs ? "x,x2,y" : "x,y[,stderr]",
                c.size(),
                lines.get(i)));
      }
      if (withStderr == null) {
        withStderr = !twoInputs && c.size() == 3;
      } else if (!twoInputs && withStderr != (c.size() == 3)) {
        throw new InputException(
            String.format(
                Locale.ROOT,
                "%s line %d: stderr must be given on every row or on none",
                file.getFileName(),
                line));
      }
      double[] v = new double[c.size()];
      for (int k = 0; k < c.size(); k++) {
        v[k] = number(file, line, k < names.size() ? names.get(k) : "column " + (k + 1), c.get(k));
      }
      if (twoInputs) {
        b.add(line, v[0], v[1], v[2], Double.NaN, file);
      } else {
        b.add(line, v[0], Double.NaN, v[1], c.size() == 3 ? v[2] : Double.NaN, file);
      }
    }
    return b.build(file, withStderr != null && withStderr);
  }

  private static Points readLong(Path file, List<String> lines, int start, LongFilter filter)
      throws InputException {
    if (filter.task() == null || filter.xName() == null) {
      throw new InputException(
          file.getFileName()
              + " is in the long format "
              + String.join(",", LONG_HEADER)
              + ": choose rows with --task and --x (tasks: "
              + distinct(lines, start, 1)
              + "; x axes: "
              + distinct(lines, start, 2)
              + ")");
    }
    Builder b = new Builder(false);
    for (int i = start; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> c = cells(lines.get(i));
      int line = i + 1;
      if (c.size() != LONG_HEADER.size()) {
        throw new InputException(
            String.format(
                Locale.ROOT,
                "%s line %d: expected %d columns (%s), got %d",
                file.getFileName(),
                line,
                LONG_HEADER.size(),
                String.join(",", LONG_HEADER),
                c.size()));
      }
      boolean family =
          filter.family() == null
              || c.get(0).equals(filter.family())
              || c.get(0).startsWith(filter.family() + "|");
      if (family && c.get(1).equals(filter.task()) && c.get(2).equals(filter.xName())) {
        b.add(
            line,
            number(file, line, "x", c.get(3)),
            Double.NaN,
            number(file, line, "y", c.get(5)),
            Double.NaN,
            file);
      }
    }
    if (b.size() == 0) {
      throw new InputException(
          String.format(
              Locale.ROOT,
              "%s has no rows with task=%s, x_name=%s%s (tasks: %s; x axes: %s)",
              file.getFileName(),
              filter.task(),
              filter.xName(),
              filter.family() == null ? "" : ", family=" + filter.family(),
              distinct(lines, start, 1),
              distinct(lines, start, 2)));
    }
    return b.build(file, false);
  }

  private static String distinct(List<String> lines, int start, int col) {
    return lines.subList(start, lines.size()).stream()
        .map(PointsReader::cells)
        .filter(c -> c.size() > col)
        .map(c -> c.get(col))
        .distinct()
        .sorted()
        .collect(Collectors.joining(", "));
  }

  static List<String> cells(String line) {
    return Arrays.stream(line.split(",", -1)).map(String::trim).toList();
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static double number(Path file, int line, String field, String cell)
      throws InputException {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new InputException(
          String.format(
              Locale.ROOT,
              "%s line %d: %s is not a number: '%s'",
              file.getFileName(),
              line,
              field,
              cell));
    }
  }

  /** Collects points and checks each row. */
  private static final class Builder {
    private final boolean twoInputs;
    private final List<double[]> rows = new ArrayList<>();
    private final List<Integer> lineNumbers = new ArrayList<>();

    Builder(boolean twoInputs) {
      this.twoInputs = twoInputs;
    }

    int size() {
      return rows.size();
    }

    void add(int line, double x, double x2, double y, double stderr, Path file)
        throws InputException {
      String name = file.getFileName().toString();
      if (Double.isNaN(x) || Double.isNaN(y) || (twoInputs && Double.isNaN(x2))) {
        throw new InputException(
            String.format(
                Locale.ROOT,
                "%s line %d: row contains NaN (x=%s, y=%s): remove the row or fill it in",
                name,
                line,
                x,
                y));
      }
      requirePositive(name, line, "x", x);
      if (twoInputs) {
        requirePositive(name, line, "x2", x2);
      }
      if (Double.isInfinite(y)) {
        throw new InputException(
            String.format(Locale.ROOT, "%s line %d: y must be finite: %s", name, line, y));
      }
      if (!Double.isNaN(stderr) && !(stderr >= 0 && Double.isFinite(stderr))) {
        throw new InputException(
            String.format(
                Locale.ROOT, "%s line %d: stderr must be finite and >= 0: %s", name, line, stderr));
      }
      rows.add(new double[] {x, x2, y, stderr});
      lineNumbers.add(line);
    }

    private static void requirePositive(String file, int line, String field, double v)
        throws InputException {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new InputException(
            String.format(
                Locale.ROOT,
                "%s line %d: %s must be finite and > 0 (scales are fitted in log space): %s",
                file,
                line,
                field,
                v));
      }
    }

    Points build(Path file, boolean withStderr) throws InputException {
      if (rows.isEmpty()) {
        throw new InputException(file.getFileName() + " has a header but no data rows");
      }
      int n = rows.size();
      double[] x = new double[n];
      double[] x2 = twoInputs ? new double[n] : null;
      double[] y = new double[n];
      double[] se = withStderr ? new double[n] : null;
      int[] lines = new int[n];
      for (int i = 0; i < n; i++) {
        double[] r = rows.get(i);
        x[i] = r[0];
        if (twoInputs) {
          x2[i] = r[1];
        }
        y[i] = r[2];
        if (withStderr) {
          se[i] = r[3];
        }
        lines[i] = lineNumbers.get(i);
      }
      return new Points(x, x2, y, se, lines);
    }
  }
}
