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
    StringWriter err = new StringWriter();
    int exit =
        ScaleWatch.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "replay",
                DATA.toString(),
                "--project",
                "obsscaling",
                "--bootstrap-servers",
                stack.bootstrapServers(),
                "--registry-url",
                stack.registryUrl());
    assertThat(exit).as(err.toString()).isZero();
    return err.toString();
  }
}
