package dev.scalewatch.app.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as users write them: {@code 512MiB}, {@code 1GB}, {@code 1g}, {@code 4096}. */
public final class ByteSize {

  private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)\\s*");
  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("k", 1L << 10),
          Map.entry("kb", 1000L),
          Map.entry("kib", 1L << 10),
          Map.entry("m", 1L << 20),
          Map.entry("mb", 1000L * 1000),
          Map.entry("mib", 1L << 20),
          Map.entry("g", 1L << 30),
          Map.entry("gb", 1000L * 1000 * 1000),
          Map.entry("gib", 1L << 30),
          Map.entry("t", 1L << 40),
          Map.entry("tb", 1000L * 1000 * 1000 * 1000),
          Map.entry("tib", 1L << 40));

  private ByteSize() {}

  /**
   * @throws IllegalArgumentException naming {@code setting} and the value if it is not a size
   */
  public static long parse(String setting, String text) {
    Matcher m = text == null ? null : SIZE.matcher(text);
    Long unit = m != null && m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
    if (unit == null) {
      throw new IllegalArgumentException(
          setting + " must be a size such as 512MiB, 2GB or 1048576: '" + text + "'");
    }
    return (long) (Double.parseDouble(m.group(1)) * unit);
  }

  /** {@code 1.5 GiB}, {@code 300 MiB}, {@code 12 KiB}, {@code 7 B}. */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0
        ? bytes + " B"
        : String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  }
}
