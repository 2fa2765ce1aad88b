package dev.scalewatch.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** CPU and memory of this JVM (and of the processes it started), for the load generators. */
final class JvmStats {

  private JvmStats() {}

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** CPU of this process and every process it started that still runs, in nanoseconds. */
  static long processTreeCpuNanos() {
    return processCpuNanos()
        + ProcessHandle.current()
            .descendants()
            .mapToLong(p -> p.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L))
            .sum();
  }

  /**
   * CPU nanoseconds of this process ("this JVM") and of each process it started, by role: the main
   * class, and the subcommand for ScaleWatch's ({@code ScaleWatch normalizer}); processes of one
   * role are summed.
   */
  static Map<String, Long> processCpuNanosByRole() {
    Map<String, Long> byRole = new HashMap<>();
    byRole.put("this JVM", processCpuNanos());
    ProcessHandle.current()
        .descendants()
        .forEach(
            p ->
                byRole.merge(
                    role(commandLine(p.pid())),
                    p.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L),
                    Long::sum));
    return byRole;
  }

  /** The process's arguments from /proc (ProcessHandle.Info leaves long command lines out). */
  private static String[] commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).split("\0");
    } catch (IOException gone) {
      return new String[0];
    }
  }

  private static String role(String[] arguments) {
    for (int i = 0; i + 1 < arguments.length; i++) {
      if (arguments[i].equals("-cp") && i + 2 < arguments.length) {
        String main = arguments[i + 2];
        String simple = main.substring(main.lastIndexOf('.') + 1);
        return simple.equals("ScaleWatch") && i + 3 < arguments.length
            ? simple + " " + arguments[i + 3]
            : simple;
      }
    }
    return "other";
  }

  /** Prints each role's share of the CPU used between the two snapshots, busiest first. */
  static void printCpuByRole(Map<String, Long> before, Map<String, Long> after, long events) {
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %7.1f s CPU  %6.1f us per event  %s%n",
                    e.getValue() / 1e9,
                    e.getValue() / 1e3 / events,
                    e.getKey()));
  }

  /** CPU nanoseconds by thread group name (numbers and ids folded, so a pool counts as one). */
  static Map<String, Long> threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byName = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      long cpu = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
      if (cpu > 0) {
        String name =
            info.getThreadName()
                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "*")
                .replaceAll("[0-9a-f]{32}", "*")
                .replaceAll("\\d+", "N");
        byName.merge(name, cpu, Long::sum);
      }
    }
    return byName;
  }

  static void printBusiestThreads(Map<String, Long> before, Map<String, Long> after) {
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT, "  %6.2f s CPU  %s%n", e.getValue() / 1e9, e.getKey()));
  }

  /** Resident set size of this process in bytes (Linux), or -1. */
  static long rssBytes() {
    return rssBytes("self");
  }

  /** Resident set size of this process and every process it started (Linux). */
  static long processTreeRssBytes() {
    return rssBytes()
        + ProcessHandle.current()
            .descendants()
            .mapToLong(p -> Math.max(0, rssBytes(String.valueOf(p.pid()))))
            .sum();
  }

  private static long rssBytes(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
