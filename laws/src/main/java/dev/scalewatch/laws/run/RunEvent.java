package dev.scalewatch.laws.run;

import java.util.Objects;

/**
 * One event that {@link LossWatch#offer} decided for a loss series.
 *
 * <p>{@code step} is the step of the point that decided the event; {@code startStep} the step where
 * what it reports began (the first elevated point, the first point of a new level, the start of the
 * flat span). The meaning of {@code value}, {@code baseline} and {@code ratio} per kind is given on
 * each {@link Kind}; a quantity that does not apply is NaN. {@code evidence} says in words what was
 * measured (fixed locale).
 *
 * @param kind what happened
 * @param step step of the deciding point
 * @param startStep step where it began
 * @param value the value the event is about (see the kind)
 * @param baseline the level it is compared with (see the kind)
 * @param ratio {@code value / baseline} unless the kind says otherwise
 * @param evidence what was measured, for people
 */
public record RunEvent(
    Kind kind,
    long step,
    long startStep,
    double value,
    double baseline,
    double ratio,
    String evidence) {

  /** Validates the non-null parts. */
  public RunEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(evidence, "evidence");
  }

  /** What happened. */
  public enum Kind {
    /**
     * One point above the spike level, the next one back below the recovery level. Informational (a
     * bad batch). value: the point; baseline: the level before it; ratio: value / baseline.
     */
    BLIP,
    /**
     * Two or more consecutive points elevated (the first above the spike level, the next not back
     * below the recovery level). Decided by the second point. value: the peak so far; baseline: the
     * level before the spike; ratio: peak / baseline.
     */
    SPIKE,
    /**
     * An open spike came back below the recovery level. value: the recovering point; baseline: the
     * level before the spike; ratio: peak / baseline; startStep: the spike's start.
     */
    SPIKE_RECOVERED,
    /**
     * A spike open for the rise span and still well above the pre-spike level: divergence. value:
     * the current point; baseline: the level before the spike; ratio: value / baseline.
     */
    SUSTAINED_RISE,
    /**
     * A persistent change of level (both directions), confirmed over several points; the baseline
     * adopts the new level. value: the new level; baseline: the old level (both at the deciding
     * step); ratio: new / old.
     */
    LEVEL_SHIFT,
    /** The first NaN or infinite value of the series. value: that value; ratio: NaN. */
    NON_FINITE,
    /**
     * The level stopped improving over the plateau span. value: the level now; baseline: the level
     * at {@code startStep}; ratio: value / baseline.
     */
    PLATEAU,
    /**
     * Improvement resumed after a plateau. value: the level now; baseline: the level one plateau
     * span earlier; ratio: value / baseline; startStep: the plateau's start.
     */
    PLATEAU_ENDED
  }
}
