package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;

/**
 * Adds run metadata to points and evals: the parameter count N (non-embedding when known, else
 * total) where the event does not carry one, and compute C = 6 * N * D (D = tokens_seen) where the
 * event reports no FLOPs and both N and D are known. Given values are kept. Stateless.
 */
final class Enrichment {

  /** FLOPs per parameter per token of a dense transformer's training step (Kaplan et al.). */
  static final double FLOPS_PER_PARAMETER_TOKEN = 6.0;

  private Enrichment() {}

  /** Returns N of a run: non-embedding parameters when known, else total parameters, else null. */
  static Long parameterCount(Run run) {
    if (run == null) {
      return null;
    }
    return run.getNonEmbeddingParameters() != null
        ? run.getNonEmbeddingParameters()
        : run.getParameters();
  }

  /**
   * Fills {@code parameters} and {@code flops} of a point in place (the point is the caller's
   * copy).
   */
  static void enrich(MetricPoint point, Run run) {
    if (point.getParameters() == null) {
      point.setParameters(parameterCount(run));
    }
    if (point.getFlops() == null) {
      point.setFlops(compute(point.getParameters(), point.getTokensSeen()));
    }
  }

  /** Fills {@code parameters} and {@code flops} of an eval result in place. */
  static void enrich(EvalResult eval, Run run) {
    if (eval.getParameters() == null) {
      eval.setParameters(parameterCount(run));
    }
    if (eval.getFlops() == null) {
      eval.setFlops(compute(eval.getParameters(), eval.getTokensSeen()));
    }
  }

  /** Returns 6 * N * D, or null if either is unknown. */
  static Double compute(Long parameters, Long tokens) {
    if (parameters == null || tokens == null) {
      return null;
    }
    return FLOPS_PER_PARAMETER_TOKEN * parameters * tokens;
  }
}
