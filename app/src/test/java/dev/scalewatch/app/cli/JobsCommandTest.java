package dev.scalewatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.testing.FreeTestPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs submit}'s mistakes a user makes are one line each, not a stack trace. */
class JobsCommandTest {

  @TempDir Path checkpoints;

  @Test
  void shouldRefuseAFlinkAddressWithoutHostAndPortInOneLine() {
    StringWriter err = new StringWriter();

    int exit = submit(err, "localhost");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "--flink-rest must be http://HOST:PORT, e.g. http://jobmanager:8081: 'localhost'")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldSayInOneLineThatNoFlinkAnswersAtTheAddress() {
    StringWriter err = new StringWriter();
    String nobody = "http://127.0.0.1:" + FreeTestPorts.pick("127.0.0.1", 1)[0];

    int exit = submit(err, nobody);

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("scalewatch submit: cannot reach the Flink REST API at " + nobody + " (")
        .endsWith("is the JobManager up, and is --flink-rest its REST address?")
        .doesNotContain("\n");
  }

  private int submit(StringWriter err, String flinkRest) {
    var commandLine = ScaleWatch.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(
        "jobs", "submit", "--flink-rest", flinkRest, "--checkpoint-dir", checkpoints.toString());
  }
}
