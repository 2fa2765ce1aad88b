package dev.scalewatch.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml passes dclint (the npm package, pinned in deploy/package.json): the Compose
 * schema and the rules .dclintrc keeps. No Docker engine runs here, so this and {@link
 * ComposeSettingsTest} are what checks the file. Fails, and says how to install it, when dclint is
 * missing.
 */
class ComposeFileTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
  static final Path DCLINT = ROOT.resolve("deploy/node_modules/.bin/dclint");

  @Test
  void shouldPassDclintWithTheProjectsRules() throws Exception {
    Result result = dclint(COMPOSE_FILE);

    assertThat(result.exitCode()).as("dclint exit code; its output:%n%s", result.output()).isZero();
  }

  @Test
  void shouldRejectAFileThatBreaksTheComposeSchema(@TempDir Path directory) throws Exception {
    // The schema check is on with the project's .dclintrc: a number where the image name goes.
    Path broken = directory.resolve("docker-compose.yml");
    Files.writeString(broken, "services: {kafka: {image: 1, restart: always}}\n");

    Result result = dclint(broken);

    assertThat(result.exitCode()).as("dclint exit code; its output:%n%s", result.output()).isOne();
    assertThat(result.output()).contains("invalid-schema").contains("/services/kafka/image");
  }

  record Result(int exitCode, String output) {}

  static Result dclint(Path file) throws IOException, InterruptedException {
    if (!Files.isExecutable(DCLINT)) {
      fail(
          "dclint is not installed at "
              + DCLINT
              + ": run `npm ci --prefix deploy` in the repository root (Node.js 20.19 or later;"
              + " .ci/run does it)");
    }
    List<String> command = new ArrayList<>();
    command.add(DCLINT.toString());
    command.addAll(List.of("--config", ROOT.resolve(".dclintrc").toString(), "--no-color"));
    command.add(file.toString());
    Process process =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("dclint did not finish within 60 s; its output so far:%n%s", output);
    }
    return new Result(process.exitValue(), output);
  }
}
