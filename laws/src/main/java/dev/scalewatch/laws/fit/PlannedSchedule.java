package dev.scalewatch.laws.fit;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A run's planned learning-rate schedule, read from its configuration (the run record's
 * hyperparameters): the learning rate at steps the run has not reached yet, which logged points
 * cannot tell. Keys (values as text):
 *
 * <ul>
 *   <li>{@code lr_schedule}: {@code wsd} (warm-up, stable, decay), {@code cosine} or {@code
 *       constant}; without it there is no plan ({@link #fromConfig} is empty)
 *   <li>{@code lr_max}: the peak learning rate (required, > 0)
 *   <li>{@code lr_total_steps}: the step at which the schedule ends (required, the forecast's end)
 *   <li>{@code lr_warmup_steps}: linear warm-up from 0 to {@code lr_max} (default 0)
 *   <li>{@code lr_min}: the learning rate at the end of the decay (default 0, at most {@code
 *       lr_max})
 *   <li>{@code wsd} only: {@code lr_decay_start} (the step the decay starts) or {@code
 *       lr_decay_steps} (its length, ending at {@code lr_total_steps}), and {@code lr_decay_shape}
 *       {@code linear} (default), {@code cosine} or {@code sqrt} (1 - sqrt, Hägele et al. 2024)
 * </ul>
 *
 * Cosine decays from {@code lr_max} at the end of the warm-up to {@code lr_min} at {@code
 * lr_total_steps}. Immutable and thread-safe.
 */
public final class PlannedSchedule {

  public static final String KIND = "lr_schedule";
  public static final String MAX = "lr_max";
  public static final String MIN = "lr_min";
  public static final String TOTAL_STEPS = "lr_total_steps";
  public static final String WARMUP_STEPS = "lr_warmup_steps";
  public static final String DECAY_START = "lr_decay_start";
  public static final String DECAY_STEPS = "lr_decay_steps";
  public static final String DECAY_SHAPE = "lr_decay_shape";

  /** Most planned points {@link #after} adds (besides the schedule's corners). */
  static final int PLANNED_POINTS = 256;

  /** The kinds of schedule. */
  public enum Kind {
    WSD,
    COSINE,
    CONSTANT
  }

  private final Kind kind;
  private final double max;
  private final double min;
  private final long warmup;
  private final long decayStart;
  private final long total;
  private final String shape;

  private PlannedSchedule(
      Kind kind, double max, double min, long warmup, long decayStart, long total, String shape) {
    this.kind = kind;
    this.max = max;
    this.min = min;
    this.warmup = warmup;
    this.decayStart = decayStart;
    this.total = total;
    this.shape = shape;
  }

  /**
   * The plan in {@code config}, empty when it has no {@code lr_schedule} key.
   *
   * @throws IllegalArgumentException naming the key and value when a key is missing, not a number,
   *     out of range, or the steps are not in order (warm-up <= decay start < total)
   */
  public static Optional<PlannedSchedule> fromConfig(Map<String, String> config) {
    String kindText = config.get(KIND);
    if (kindText == null) {
      return Optional.empty();
    }
    Kind kind;
    try {
      kind = Kind.valueOf(kindText.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          KIND + " must be wsd, cosine or constant: '" + kindText + "'", e);
    }
    double max = number(config, MAX, null);
    double min = number(config, MIN, 0.0);
    long total = (long) number(config, TOTAL_STEPS, null);
    long warmup = (long) number(config, WARMUP_STEPS, 0.0);
    require(max > 0, MAX + " must be > 0: " + max);
    require(min >= 0 && min <= max, MIN + " must be in [0, " + MAX + " = " + max + "]: " + min);
    require(total >= 1, TOTAL_STEPS + " must be >= 1: " + total);
    require(
        warmup >= 0 && warmup < total,
        WARMUP_STEPS + " must be in [0, " + TOTAL_STEPS + " = " + total + "): " + warmup);
    long decayStart = warmup;
    String shape = "cosine";
    if (kind == Kind.WSD) {
      boolean hasStart = config.containsKey(DECAY_START);
      require(
          hasStart != config.containsKey(DECAY_STEPS),
          "wsd needs exactly one of " + DECAY_START + " and " + DECAY_STEPS + ": " + keys(config));
      decayStart =
          hasStart
              ? (long) number(config, DECAY_START, null)
              : total - (long) number(config, DECAY_STEPS, null);
      require(
          decayStart >= warmup && decayStart < total,
          "the decay must start in ["
              + WARMUP_STEPS
              + " = "
              + warmup
              + ", "
              + TOTAL_STEPS
              + " = "
              + total
              + "): starts at step "
              + decayStart);
      shape = config.getOrDefault(DECAY_SHAPE, "linear").trim().toLowerCase(Locale.ROOT);
      require(
          shape.equals("linear") || shape.equals("cosine") || shape.equals("sqrt"),
          DECAY_SHAPE + " must be linear, cosine or sqrt: '" + shape + "'");
    }
    return Optional.of(new PlannedSchedule(kind, max, min, warmup, decayStart, total, shape));
  }

  /** The kind of schedule. */
  public Kind kind() {
    return kind;
  }

  /** The step at which the schedule ends. */
  public long totalSteps() {
    return total;
  }

  /** The step at which the learning rate starts to fall (the end of the warm-up but for WSD). */
  public long decayStart() {
    return kind == Kind.CONSTANT ? total : decayStart;
  }

  /** The planned learning rate at {@code step} (the last value beyond the end). */
  public double lr(long step) {
    if (warmup > 0 && step < warmup) {
      return max * Math.max(step, 0) / warmup;
    }
    if (kind == Kind.CONSTANT || step <= decayStart) {
      return max;
    }
    double t = Math.min(1, (step - decayStart) / (double) (total - decayStart));
    double left =
        switch (shape) {
          case "linear" -> 1 - t;
          case "sqrt" -> 1 - Math.sqrt(t);
          default -> 0.5 * (1 + Math.cos(Math.PI * t));
        };
    return min + (max - min) * left;
  }

  /**
   * The schedule through the logged learning rates ({@code steps} increasing, >= 1) and the plan
   * after the last of them up to {@link #totalSteps()}. The plan is scaled so it meets the last
   * logged value (a run may log its learning rate times a constant, e.g. one parameter group's
   * multiplier), unless the plan is 0 there.
   *
   * @throws IllegalArgumentException as {@link LrSchedule#of(long[], double[])}
   */
  public LrSchedule after(long[] steps, double[] lrs) {
    long last = steps.length == 0 ? 0 : steps[steps.length - 1];
    double planned = lr(last);
    double scale = steps.length > 0 && planned > 0 ? lrs[lrs.length - 1] / planned : 1;
    TreeMap<Long, Double> points = new TreeMap<>();
    for (int i = 0; i < steps.length; i++) {
      points.put(steps[i], lrs[i]);
    }
    if (last < total) {
      for (long corner : new long[] {warmup, decayStart(), total}) {
        if (corner > last) {
          points.put(corner, scale * lr(corner));
        }
      }
      for (int i = 1; i <= PLANNED_POINTS; i++) {
        long s = last + Math.round((total - last) * (i / (double) PLANNED_POINTS));
        if (s > last) {
          points.put(s, scale * lr(s));
        }
      }
    }
    return schedule(points);
  }

  /**
   * Without a plan: the logged learning rates, then the last of them held to {@code end} (when
   * {@code end} lies beyond the last logged step).
   *
   * @throws IllegalArgumentException as {@link LrSchedule#of(long[], double[])}
   */
  public static LrSchedule held(long[] steps, double[] lrs, long end) {
    TreeMap<Long, Double> points = new TreeMap<>();
    for (int i = 0; i < steps.length; i++) {
      points.put(steps[i], lrs[i]);
    }
    if (steps.length > 0 && end > steps[steps.length - 1]) {
      points.put(end, lrs[lrs.length - 1]);
    }
    return schedule(points);
  }

  private static LrSchedule schedule(TreeMap<Long, Double> points) {
    points.headMap(1L).clear();
    long[] s = points.keySet().stream().mapToLong(Long::longValue).toArray();
    double[] v = points.values().stream().mapToDouble(Double::doubleValue).toArray();
    return LrSchedule.of(s, v);
  }

  private static double number(Map<String, String> config, String key, Double fallback) {
    String text = config.get(key);
    if (text == null) {
      if (fallback == null) {
        throw new IllegalArgumentException(
            key + " is required with " + KIND + " = " + config.get(KIND) + ": " + keys(config));
      }
      return fallback;
    }
    try {
      double v = Double.parseDouble(text.trim());
      if (!Double.isFinite(v)) {
        throw new NumberFormatException("not finite");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a finite number: '" + text + "'", e);
    }
  }

  private static String keys(Map<String, String> config) {
    return "lr keys given "
        + new TreeMap<>(config).keySet().stream().filter(k -> k.startsWith("lr_")).toList();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "PlannedSchedule[%s, max %g, min %g, warm-up %d, decay from %d, end %d%s]",
        kind,
        max,
        min,
        warmup,
        decayStart(),
        total,
        kind == Kind.WSD ? ", " + shape : "");
  }
}
