package dev.scalewatch.laws.run;

/** Shared argument checks of the within-run detectors. */
final class RunSeries {

  private RunSeries() {}

  static void requireSameLength(double[] steps, double[] values) {
    if (steps.length != values.length) {
      throw new IllegalArgumentException(
          "run series needs one value per step: "
              + values.length
              + " values for "
              + steps.length
              + " steps");
    }
  }
}
