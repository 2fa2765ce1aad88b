package dev.scalewatch.app.fit;

/**
 * Points read from a CSV file, in file order, with the line each came from.
 *
 * @param x first scale
 * @param x2 second scale (Chinchilla's D), or null
 * @param y observed metric
 * @param stderr standard error of y, or null
 * @param lines 1-based line number of each point
 */
record Points(double[] x, double[] x2, double[] y, double[] stderr, int[] lines) {

  int size() {
    return x.length;
  }
}
