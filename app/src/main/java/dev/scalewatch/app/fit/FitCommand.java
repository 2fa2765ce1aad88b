package dev.scalewatch.app.fit;

import dev.scalewatch.laws.Metric;
import dev.scalewatch.laws.fit.Loss;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code scalewatch fit FILE.csv}: fits a scaling law to a file of points and prints the law,
 * parameters with intervals, breaks, in- and out-of-sample RMSLE, forecasts and optionally the
 * scale needed to reach a target, as text or one JSON object; optionally plots it.
 *
 * <p>Exit codes: 0 on success, 2 for bad input (the message on stderr names the line, field and
 * value), 1 if the plot cannot be written. Not thread-safe (picocli fills the fields).
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fits a scaling law (power law, power law with floor, BNSL with 0-3 breaks, Chinchilla,"
          + " Kaplan's L(N, S))"
          + " to FILE and prints it with intervals, breaks and forecasts.",
      "FILE is x,y[,stderr] (x,x2,y for --form chinchilla: N, D, loss; --form kaplan: N,"
          + " step, loss), or the long format"
          + " run_id,task,x_name,x,y_name,y (then --task and --x choose the rows)."
    })
public final class FitCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "CSV file of points.")
  Path file;

  @Option(names = "--task", paramLabel = "TASK", description = "Long format: task to fit.")
  String task;

  @Option(
      names = "--x",
      paramLabel = "X_NAME",
      description = "Long format: x axis to fit (e.g. params, train_flops).")
  String xName;

  @Option(
      names = "--family",
      paramLabel = "FAMILY",
      description = "Long format: keep runs whose run_id is FAMILY or starts with FAMILY|.")
  String family;

  @Option(
      names = "--holdout",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "Fit all but the K largest x and report the error on them"
              + " (default: ${DEFAULT-VALUE}).")
  int holdout;

  @Option(
      names = "--form",
      paramLabel = "FORM",
      defaultValue = "auto",
      description =
          "auto (choose 0-3 breaks), power-law, power-law-floor, bnsl, chinchilla, kaplan"
              + " (default: ${DEFAULT-VALUE}).")
  String form;

  @Option(
      names = "--breaks",
      paramLabel = "N",
      description = "Number of BNSL breaks (0-3) instead of choosing it.")
  Integer breaks;

  @Option(
      names = "--higher-is-better",
      description = "y is a bounded score (accuracy): fitted as error BOUND - y.")
  boolean higherIsBetter;

  @Option(
      names = "--bound",
      paramLabel = "BOUND",
      defaultValue = "1",
      description = "Best value of a higher-is-better score (default: ${DEFAULT-VALUE}).")
  double bound;

  @Option(
      names = "--target",
      paramLabel = "Y",
      description = "Also report the x needed to reach y = Y, with an interval.")
  Double target;

  @Option(
      names = "--loss",
      paramLabel = "LOSS",
      defaultValue = "squared",
      description =
          "squared, or huber (Huber's loss on log residuals, delta 1e-3, as Besiroglu et al."
              + " refit Chinchilla; intervals by case bootstrap) (default: ${DEFAULT-VALUE}).")
  String loss;

  @Option(names = "--plot", paramLabel = "PNG", description = "Write a plot to this PNG file.")
  Path plot;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Metric metric;
    try {
      metric = higherIsBetter ? Metric.higherIsBetter(bound) : Metric.lowerIsBetter();
    } catch (IllegalArgumentException e) {
      return fail(err, "--bound: " + e.getMessage());
    }
    Loss chosenLoss;
    try {
      chosenLoss = Loss.byName(loss);
    } catch (IllegalArgumentException e) {
      return fail(err, "--" + e.getMessage());
    }
    FitAnalysis.Result result;
    try {
      Points points =
          PointsReader.read(
              file,
              "chinchilla".equals(form) || "kaplan".equals(form),
              new PointsReader.LongFilter(task, xName, family));
      result =
          FitAnalysis.run(
              points,
              new FitAnalysis.Settings(
                  form, breaks, holdout, metric, target, file.toString(), chosenLoss));
    } catch (InputException e) {
      return fail(err, e.getMessage());
    } catch (IOException e) {
      return fail(err, "cannot read " + file + ": " + e.getMessage());
    }
    if (json) {
      JsonReport.print(result.report(), out);
    } else {
      TextReport.print(result.report(), out);
    }
    if (plot != null) {
      try {
        FitPlot.write(result, metric, plot);
        if (!json) {
          out.println("plot: " + plot);
          out.flush();
        }
      } catch (IOException e) {
        err.println("scalewatch fit: cannot write the plot to " + plot + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    return 0;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("scalewatch fit: " + message);
    err.flush();
    return 2;
  }
}
