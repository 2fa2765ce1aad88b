package dev.scalewatch.app.cli;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.Interval;
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

/** {@code scalewatch alerts}: the alerts on {@code scalewatch.alerts}, as a person reads them. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the alerts of the stream jobs, oldest first: state, kind, where (project, run or"
          + " task), the summary, and the predicted x with its interval. Each alert id appears"
          + " once when it fires and once when it resolves.",
      "Stops at the end of the topic unless --follow.",
      "Example: scalewatch alerts --project obsscaling --kind EMERGENCE"
    })
public final class AlertsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--follow", description = "Keep printing new alerts until Ctrl-C.")
  boolean follow;

  @Option(names = "--json", description = "One JSON object per alert (every field).")
  boolean json;

  @Option(names = "--project", paramLabel = "P", description = "Only alerts of this project.")
  String project;

  @Option(
      names = "--kind",
      paramLabel = "K",
      description = "Only alerts of this kind, e.g. EMERGENCE, LOSS_SPIKE, DIVERGENCE, STALL.")
  String kind;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl)) {
      boolean found =
          new TopicFollower<>(client.bootstrapServers, registry, Topics.ALERTS, Alert.class)
              .read(follow, alert -> print(alert, out), out::flush);
      if (!found) {
        spec.commandLine()
            .getErr()
            .printf(
                "scalewatch alerts: topic %s does not exist on %s (is `scalewatch up` running?)%n",
                Topics.ALERTS, client.bootstrapServers);
        return 2;
      }
      return 0;
    }
  }

  private void print(Alert alert, PrintWriter out) {
    if (project != null && !project.equals(alert.getProject())) {
      return;
    }
    if (kind != null && !kind.equalsIgnoreCase(alert.getKind().name())) {
      return;
    }
    if (json) {
      out.println(AvroJson.toJson(alert));
      return;
    }
    String where =
        alert.getProject()
            + (alert.getRunId() != null ? " run " + alert.getRunId() : "")
            + (alert.getTask() != null ? " task " + alert.getTask() : "");
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-8s %-20s %s  %s",
                alert.getState(),
                alert.getKind(),
                where,
                alert.getSummary()));
    if (alert.getPredictedX() != null) {
      line.append(
          String.format(Locale.ROOT, "  [%s=%.4g", alert.getXAxis(), alert.getPredictedX()));
      Interval i = alert.getPredictedXInterval();
      if (i != null) {
        line.append(String.format(Locale.ROOT, " in %.4g..%.4g", i.getLower(), i.getUpper()));
      }
      line.append(']');
    }
    line.append("  ").append(alert.getStartsAt());
    out.println(line);
  }
}
