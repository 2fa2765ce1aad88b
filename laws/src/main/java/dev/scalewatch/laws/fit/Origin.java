package dev.scalewatch.laws.fit;

/** How a fit was obtained. */
public enum Origin {
  /** Multi-start search over ranges derived from the data. */
  WIDE_SEARCH,
  /** Refined from the previous fit, which still explains the new points. */
  WARM_START,
  /** The warm start no longer explained the new points, so the wide search ran. */
  WARM_START_FALLBACK
}
