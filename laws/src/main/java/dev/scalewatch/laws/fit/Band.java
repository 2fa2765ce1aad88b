package dev.scalewatch.laws.fit;

/**
 * Prediction at one x with two bands from the covariance of the fit (Jacobian, or the case
 * bootstrap for a robust fit).
 *
 * @param x the scale
 * @param y the predicted metric (fitted orientation)
 * @param meanLower lower end of the confidence band of the law itself
 * @param meanUpper upper end of the confidence band of the law itself
 * @param lower lower end of the prediction band for a new observation (adds residual scatter)
 * @param upper upper end of the prediction band for a new observation
 * @param extrapolated whether x lies beyond the largest x the fit saw
 */
public record Band(
    double x,
    double y,
    double meanLower,
    double meanUpper,
    double lower,
    double upper,
    boolean extrapolated) {

  /** Whether an observed value lies inside the prediction band. */
  public boolean contains(double observed) {
    return observed >= lower && observed <= upper;
  }
}
