package dev.scalewatch.app.cli;

import dev.scalewatch.app.replay.JsonLinesEvents;
import dev.scalewatch.app.replay.LongCsvEvents;
import dev.scalewatch.app.replay.ReplayFormat;
import dev.scalewatch.app.replay.Replayer;
import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scalewatch replay FILE}: publishes historical results to the raw topic. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes historical results to the raw topic (through the normalizer, like live events), "
          + "with a progress bar on stderr.",
      "FILE is the long CSV format run_id,task,x_name,x,y_name,y (x_name: params, train_flops, "
          + "tokens or step; the rows of one measurement along several axes become one event; "
          + "events go in x order, as a sweep would finish) or JSON lines (*.jsonl, *.json) "
          + "with \"type\": run|metric|eval and the contract's fields, in file order.",
      "Example: scalewatch replay data/obsscaling_emergent.csv --project obsscaling --speed 200"
    })
public final class ReplayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "FILE", description = "Results to replay (.csv or .jsonl).")
  Path file;

  @Option(
      names = "--project",
      description = "Project of the events (default: the file name without extension).")
  String project;

  @Option(
      names = "--speed",
      defaultValue = "0",
      paramLabel = "EVENTS_PER_SECOND",
      description =
          "Events per second; 0 sends as fast as the broker takes them (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(
      names = "--as",
      defaultValue = "evals",
      paramLabel = "evals|metrics",
      description =
          "What CSV rows become: eval results or metric points (metric = task/y_name) "
              + "(default: ${DEFAULT-VALUE}).")
  ReplayFormat format;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(file)) {
      err.println("scalewatch replay: no such file: " + file.toAbsolutePath());
      return 2;
    }
    if (speed < 0 || Double.isNaN(speed)) {
      err.println(
          "scalewatch replay: --speed must be >= 0 events per second (0 = unthrottled): " + speed);
      return 2;
    }
    String projectName =
        project != null ? project : file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    LongCsvEvents.Events events;
    try {
      events =
          isJsonLines(file)
              ? JsonLinesEvents.read(file, projectName)
              : LongCsvEvents.read(file, projectName, format, Instant.now());
    } catch (IllegalArgumentException e) {
      err.println("scalewatch replay: " + e.getMessage());
      return 2;
    }
    try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(client.registryUrl);
        RawEventProducer producer =
            new RawEventProducer(client.bootstrapServers, registry, Map.of())) {
      Replayer.Result result =
          new Replayer(producer, speed).replay(events.events(), err, System.console() != null);
      err.printf(
          Locale.ROOT,
          "scalewatch replay: %d rows of %s -> %d events to project '%s' (%d rejected, %d failed)%n",
          events.rows(),
          file.getFileName(),
          result.sent(),
          projectName,
          result.rejected(),
          result.failed());
      err.flush();
      return result.rejected() == 0 && result.failed() == 0 ? 0 : 1;
    }
  }

  private static boolean isJsonLines(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson");
  }
}
