package dev.scalewatch.app.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.ScaleWatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * {@code scalewatch replay} of the shipped ObsScaling file into a running stack, as a user runs it.
 */
public final class ObsScalingReplay {

  /** The shipped file, from a module's directory. */
  public static final Path DATA = Path.of("..", "data", "obsscaling_emergent.csv");

  private ObsScalingReplay() {}

  /** Replays {@link #DATA} to project {@code obsscaling}; returns what it printed on stderr. */
  public static String replay(RunningStack stack) {
    return replay(stack.bootstrapServers(), stack.registryUrl(), "obsscaling");
  }

  /** Replays {@link #DATA} to {@code project} of any deployment, as fast as it goes. */
  public static String replay(String bootstrapServers, String registryUrl, String project) {
    StringWriter err = new StringWriter();
    int exit =
        ScaleWatch.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "replay",
                DATA.toString(),
                "--project",
                project,
                "--bootstrap-servers",
                bootstrapServers,
                "--registry-url",
                registryUrl);
    assertThat(exit).as(err.toString()).isZero();
    return err.toString();
  }
}
