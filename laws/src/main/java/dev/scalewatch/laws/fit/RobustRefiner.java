package dev.scalewatch.laws.fit;

/**
 * Local minimization of a {@link Loss} over log residuals by iteratively reweighted least squares:
 * each round weights every point by {@link Loss#weight} at the current residuals and runs a short
 * Levenberg-Marquardt on that weighted problem. The weighted squares majorize Huber's loss at the
 * current point, so no round raises it; rounds stop when the loss no longer falls (relative change
 * below 1e-10) or after the round limit. With squared loss one round is plain least squares. Not
 * thread-safe; one instance per problem.
 */
final class RobustRefiner {

  /** Rounds of a full robust refinement. */
  static final int ROUNDS = 100;

  /** Levenberg-Marquardt iterations per round. */
  private static final int ROUND_ITERATIONS = 20;

  private static final double TOLERANCE = 1e-10;

  private final Problem p;
  private final Loss loss;

  RobustRefiner(Problem p, Loss loss) {
    this.p = p;
    this.loss = loss;
  }

  /** The refined point; its {@code cost} is the robust loss, {@code evaluations} the rounds. */
  Refiner.Result refine(double[] start, int rounds) {
    double[] theta = p.clamp(start.clone());
    double cost = p.cost(theta, loss);
    int n = p.size();
    double[] r = new double[n];
    double[] factor = new double[n];
    int round = 0;
    boolean settled = false;
    for (; round < rounds && !settled; round++) {
      p.residuals(theta, r, null);
      for (int i = 0; i < n; i++) {
        factor[i] = Math.sqrt(loss.weight(r[i]));
      }
      double[] next = new Refiner(p.reweighted(factor)).refine(theta, ROUND_ITERATIONS).theta();
      double c = p.cost(next, loss);
      if (!(c < cost)) {
        settled = true;
      } else {
        settled = cost - c <= TOLERANCE * cost;
        theta = next;
        cost = c;
      }
    }
    return new Refiner.Result(theta, cost, round, settled);
  }
}
