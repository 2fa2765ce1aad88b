package dev.scalewatch.laws.fit;

import org.hipparchus.exception.MathIllegalStateException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresProblem;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.util.Pair;

/**
 * Local refinement by Hipparchus' Levenberg-Marquardt with an analytic Jacobian. Parameters are
 * kept inside the problem's box by a parameter validator. The best point evaluated is remembered,
 * so hitting the evaluation limit still returns the best point found rather than failing. Not
 * thread-safe; one instance per refinement.
 */
final class Refiner {

  /**
   * Result of one refinement; {@code converged} is false when it stopped at its iteration or
   * evaluation limit.
   */
  record Result(double[] theta, double cost, int evaluations, boolean converged) {}

  private final Problem p;
  private double[] best;
  private double bestCost = Double.POSITIVE_INFINITY;
  private int evaluations;

  Refiner(Problem p) {
    this.p = p;
  }

  Result refine(double[] start, int maxIterations) {
    int n = p.size();
    double[] target = new double[n];
    for (int i = 0; i < n; i++) {
      target[i] = p.sw[i] * p.ly[i];
    }
    best = p.clamp(start.clone());
    bestCost = p.cost(best);
    LeastSquaresProblem problem =
        new LeastSquaresBuilder()
            .start(best.clone())
            .target(target)
            .model(this::evaluate)
            .parameterValidator(v -> new ArrayRealVector(p.clamp(v.toArray()), false))
            .maxIterations(maxIterations)
            .maxEvaluations(maxIterations * 2 + 10)
            .lazyEvaluation(false)
            .build();
    boolean converged = true;
    try {
      new LevenbergMarquardtOptimizer()
          .withCostRelativeTolerance(1e-12)
          .withParameterRelativeTolerance(1e-12)
          .optimize(problem);
    } catch (MathIllegalStateException e) {
      converged = false; // evaluation or iteration limit: keep the best point seen so far
    }
    return new Result(best, bestCost, evaluations, converged);
  }

  private Pair<RealVector, RealMatrix> evaluate(RealVector point) {
    evaluations++;
    double[] theta = point.toArray();
    int n = p.size();
    double[] r = new double[n];
    double[][] jac = new double[n][theta.length];
    p.residuals(theta, r, jac);
    double cost = 0;
    double[] value = new double[n];
    for (int i = 0; i < n; i++) {
      cost += r[i] * r[i];
      value[i] = r[i] + p.sw[i] * p.ly[i];
    }
    if (Double.isFinite(cost) && cost < bestCost) {
      bestCost = cost;
      best = theta;
    }
    return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jac, false));
  }
}
