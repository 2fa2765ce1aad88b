package dev.scalewatch.laws.fit;

import java.util.SplittableRandom;

/**
 * Covariance of a robust fit's internal parameters by the case (pairs) bootstrap, the method
 * Besiroglu et al. (2024) used for their Huber refit of Chinchilla: resample the points with
 * replacement, refit each resample by {@link RobustRefiner} from the optimum, and take the sample
 * covariance of the refitted parameters. Unlike {@code s^2 (J^T J)^-1} it needs no assumption that
 * the residuals are Gaussian or equally spread, which a Huber fit is chosen precisely not to
 * assume. Deterministic for a given seed. Stateless.
 */
final class CaseBootstrap {

  /** Rounds of reweighting per resample (each starts at the optimum, so few are needed). */
  private static final int ROUNDS = 30;

  private CaseBootstrap() {}

  static double[][] covariance(Problem p, double[] theta, Loss loss, int resamples, long seed) {
    int n = p.size();
    int k = theta.length;
    SplittableRandom random = new SplittableRandom(seed);
    double[][] draws = new double[resamples][];
    int[] rows = new int[n];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < n; i++) {
        rows[i] = random.nextInt(n);
      }
      double[] t = new RobustRefiner(p.resampled(rows), loss).refine(theta, ROUNDS).theta();
      draws[b] = Fitter.canonical(p.form, t);
    }
    double[] mean = new double[k];
    for (double[] d : draws) {
      for (int a = 0; a < k; a++) {
        mean[a] += d[a] / resamples;
      }
    }
    double[][] cov = new double[k][k];
    for (double[] d : draws) {
      for (int a = 0; a < k; a++) {
        for (int c = 0; c < k; c++) {
          cov[a][c] += (d[a] - mean[a]) * (d[c] - mean[c]) / (resamples - 1);
        }
      }
    }
    return cov;
  }
}
