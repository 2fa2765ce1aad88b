package dev.scalewatch.laws.fit;

/** Weighted linear least squares for a handful of columns via normal equations. Stateless. */
final class SmallLinear {

  private SmallLinear() {}

  /**
   * Solves {@code min sum_i w_i (sum_k a[i][k] beta_k - v_i)^2}.
   *
   * @return the coefficients, or null if the system is singular or not finite
   */
  static double[] solve(double[][] a, double[] v, double[] w, int cols) {
    double[][] m = new double[cols][cols + 1];
    for (int i = 0; i < v.length; i++) {
      double wi = w[i];
      double[] row = a[i];
      for (int p = 0; p < cols; p++) {
        double ap = wi * row[p];
        for (int q = p; q < cols; q++) {
          m[p][q] += ap * row[q];
        }
        m[p][cols] += ap * v[i];
      }
    }
    double scale = 0;
    for (int p = 0; p < cols; p++) {
      for (int q = 0; q < p; q++) {
        m[p][q] = m[q][p];
      }
      scale = Math.max(scale, Math.abs(m[p][p]));
    }
    for (int c = 0; c < cols; c++) {
      int piv = c;
      for (int r = c + 1; r < cols; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
          piv = r;
        }
      }
      if (!(Math.abs(m[piv][c]) > 1e-13 * scale)) {
        return null;
      }
      double[] tmp = m[c];
      m[c] = m[piv];
      m[piv] = tmp;
      for (int r = c + 1; r < cols; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= cols; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] beta = new double[cols];
    for (int c = cols - 1; c >= 0; c--) {
      double s = m[c][cols];
      for (int k = c + 1; k < cols; k++) {
        s -= m[c][k] * beta[k];
      }
      beta[c] = s / m[c][c];
      if (!Double.isFinite(beta[c])) {
        return null;
      }
    }
    return beta;
  }
}
