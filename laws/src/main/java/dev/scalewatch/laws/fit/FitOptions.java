package dev.scalewatch.laws.fit;

/**
 * Settings of the fitter. Build with {@link #builder()}; {@link #defaults()} suits streaming use.
 *
 * @param starts cheap starts drawn per break count unit (scaled by (breaks + 1)^2)
 * @param refinements how many of the best starts are refined by Levenberg-Marquardt
 * @param maxIterations iteration limit of one refinement
 * @param level confidence level of intervals and bands, e.g. 0.95
 * @param seed seed of the start sampler (fits are deterministic for a given seed)
 * @param warmTolerance a warm refit is kept while its RMSLE is at most this factor times the
 *     previous fit's RMSLE (plus 1e-4)
 * @param loss the loss minimized over log residuals ({@link Loss#squared()} by default)
 * @param resamples case-bootstrap resamples behind the intervals of a robust ({@link Loss#huber})
 *     fit; squared-loss fits use Jacobian intervals and ignore it
 */
public record FitOptions(
    int starts,
    int refinements,
    int maxIterations,
    double level,
    long seed,
    double warmTolerance,
    Loss loss,
    int resamples) {

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the setting, its value and the allowed range
   */
  public FitOptions {
    require(starts >= 1 && starts <= 1_000_000, "fit.starts", starts, "1..1000000");
    require(refinements >= 1 && refinements <= 1000, "fit.refinements", refinements, "1..1000");
    require(maxIterations >= 1, "fit.maxIterations", maxIterations, ">= 1");
    require(level > 0 && level < 1, "fit.level", level, "(0, 1), e.g. 0.95");
    require(warmTolerance >= 1, "fit.warmTolerance", warmTolerance, ">= 1");
    require(loss != null, "fit.loss", loss, "squared or huber");
    require(resamples >= 20 && resamples <= 100_000, "fit.resamples", resamples, "20..100000");
  }

  private static void require(boolean ok, String key, Object value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(key + " must be in " + range + ": " + value);
    }
  }

  /**
   * Defaults: 48 starts per unit, 4 refinements, 200 iterations, 95%, seed 1, tolerance 1.5,
   * squared loss, 200 bootstrap resamples (robust fits only).
   */
  public static FitOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link FitOptions}; not thread-safe. */
  public static final class Builder {
    private int starts = 48;
    private int refinements = 4;
    private int maxIterations = 200;
    private double level = 0.95;
    private long seed = 1;
    private double warmTolerance = 1.5;
    private Loss loss = Loss.squared();
    private int resamples = 200;

    private Builder() {}

    public Builder starts(int v) {
      starts = v;
      return this;
    }

    public Builder refinements(int v) {
      refinements = v;
      return this;
    }

    public Builder maxIterations(int v) {
      maxIterations = v;
      return this;
    }

    public Builder level(double v) {
      level = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder warmTolerance(double v) {
      warmTolerance = v;
      return this;
    }

    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    public Builder resamples(int v) {
      resamples = v;
      return this;
    }

    /** Builds and validates. */
    public FitOptions build() {
      return new FitOptions(
          starts, refinements, maxIterations, level, seed, warmTolerance, loss, resamples);
    }
  }
}
