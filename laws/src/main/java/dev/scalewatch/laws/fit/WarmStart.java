package dev.scalewatch.laws.fit;

import dev.scalewatch.laws.form.Forms;

/**
 * What a streaming refit needs from the previous fit, in plain types so a stream job can keep it in
 * state: the form's name, its internal parameter vector and its in-sample RMSLE. Get one from
 * {@link Fit#warmStart()}, pass it to {@link Fitter#refit(WarmStart, dev.scalewatch.laws.Series)}.
 *
 * @param form the form's {@link dev.scalewatch.laws.form.Form#name()}
 * @param internalParameters the previous optimum (see {@link Fit#internalParameters()})
 * @param rmsle the previous in-sample RMSLE
 */
public record WarmStart(String form, double[] internalParameters, double rmsle) {

  /**
   * Validates the state.
   *
   * @throws IllegalArgumentException for an unknown form or a parameter vector of the wrong length
   */
  public WarmStart {
    int k = Forms.byName(form).parameterCount();
    if (internalParameters == null || internalParameters.length != k) {
      throw new IllegalArgumentException(
          "warmStart.internalParameters must have "
              + k
              + " entries for form "
              + form
              + ": "
              + (internalParameters == null ? "null" : internalParameters.length));
    }
    internalParameters = internalParameters.clone();
  }

  @Override
  public double[] internalParameters() {
    return internalParameters.clone();
  }
}
