package dev.scalewatch.app.cli;

import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.ParameterEstimate;
import dev.scalewatch.schemas.TargetForecast;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.json.AvroJson;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scalewatch fits}: the fits on {@code scalewatch.fits}, one line each. */
@Command(
    name = "fits",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the fits of the stream jobs, oldest first: key and sequence, the law, the points"
          + " and x range it saw, the in-sample error (RMSE of log10 y) and the parameters with"
          + " their 95% intervals. A key's highest sequence is its current law.",
      "Stops at the end of the topic unless --follow.",
      "Example: scalewatch fits --key obsscaling/GPT-Neo"
    })
public final class FitsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--follow", description = "Keep printing new fits until Ctrl-C.")
  boolean follow;

  @Option(names = "--json", description = "One JSON object per fit (every field).")
  boolean json;

  @Option(
      names = "--key",
      paramLabel = "PREFIX",
      description =
          "Only fits whose key starts with PREFIX (keys: project/family/task/metric/axis"
              + " for sweeps, project/run/metric/steps for runs).")
  String key;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl)) {
      boolean found =
          new TopicFollower<>(client.bootstrapServers, registry, Topics.FITS, Fit.class)
              .read(follow, fit -> print(fit, out), out::flush);
      if (!found) {
        spec.commandLine()
            .getErr()
            .printf(
                "scalewatch fits: topic %s does not exist on %s (is `scalewatch up` running?)%n",
                Topics.FITS, client.bootstrapServers);
        return 2;
      }
      return 0;
    }
  }

  private void print(Fit fit, PrintWriter out) {
    if (key != null && !fit.getKey().startsWith(key)) {
      return;
    }
    if (json) {
      out.println(AvroJson.toJson(fit));
      return;
    }
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s #%d  %s  n=%d  %s in [%.4g, %.4g]  rmse(log10)=%.3g ",
                fit.getKey(),
                fit.getSequence(),
                fit.getForm(),
                fit.getPointCount(),
                fit.getXAxis(),
                fit.getXMin(),
                fit.getXMax(),
                fit.getErrorInSample()));
    for (ParameterEstimate p : fit.getParameters()) {
      line.append(String.format(Locale.ROOT, " %s=%.4g", p.getName(), p.getValue()));
      if (p.getInterval() != null) {
        line.append(
            String.format(
                Locale.ROOT,
                " [%.3g, %.3g]",
                p.getInterval().getLower(),
                p.getInterval().getUpper()));
      }
    }
    for (TargetForecast t : fit.getTargets()) {
      line.append(String.format(Locale.ROOT, "  target %.4g: %s", t.getTarget(), t.getStatus()));
      if (t.getX() != null && t.getInterval() != null) {
        line.append(
            String.format(
                Locale.ROOT,
                " at %s=%.4g [%.4g, %.4g]",
                fit.getXAxis(),
                t.getX(),
                t.getInterval().getLower(),
                t.getInterval().getUpper()));
      }
    }
    out.println(line);
  }
}
