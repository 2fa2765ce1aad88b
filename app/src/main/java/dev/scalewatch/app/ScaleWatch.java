package dev.scalewatch.app;

import dev.scalewatch.app.cli.AlertsCommand;
import dev.scalewatch.app.cli.FitsCommand;
import dev.scalewatch.app.cli.JobsCommand;
import dev.scalewatch.app.cli.NormalizerCommand;
import dev.scalewatch.app.cli.ProduceCommand;
import dev.scalewatch.app.cli.RegistryCommand;
import dev.scalewatch.app.cli.ReplayCommand;
import dev.scalewatch.app.cli.ServeCommand;
import dev.scalewatch.app.cli.TailCommand;
import dev.scalewatch.app.cli.UpCommand;
import dev.scalewatch.app.config.SettingsDefaultProvider;
import dev.scalewatch.app.embedded.StartRefusedException;
import dev.scalewatch.app.fit.FitCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code scalewatch} command: wires the subcommands, nothing else. */
@Command(
    name = "scalewatch",
    mixinStandardHelpOptions = true,
    versionProvider = ScaleWatch.Version.class,
    description = {
      "Watches ML trainings live and fits their scaling laws as results arrive.",
      "",
      "Every option can also be set by an environment variable SCALEWATCH_<OPTION> "
          + "(--kafka-port -> SCALEWATCH_KAFKA_PORT) or a key in the config file "
          + "($SCALEWATCH_CONFIG, else ./scalewatch.properties); flags win, then the environment, "
          + "then the file."
    },
    subcommands = {
      UpCommand.class,
      TailCommand.class,
      ProduceCommand.class,
      ReplayCommand.class,
      FitCommand.class,
      AlertsCommand.class,
      FitsCommand.class,
      RegistryCommand.class,
      NormalizerCommand.class,
      JobsCommand.class,
      ServeCommand.class
    })
public final class ScaleWatch implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and {@link #main}. */
  public static CommandLine commandLine() {
    return new CommandLine(new ScaleWatch())
        .setDefaultValueProvider(new SettingsDefaultProvider())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, command, parsed) -> {
              if (e instanceof StartRefusedException) {
                command
                    .getErr()
                    .println("scalewatch " + command.getCommandName() + ": " + e.getMessage());
                return 1;
              }
              throw e;
            });
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ScaleWatch.class.getPackage().getImplementationVersion();
      return new String[] {"scalewatch " + (version == null ? "development build" : version)};
    }
  }
}
