package dev.scalewatch.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.app.cli.UpCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsDefaultProviderTest {

  @TempDir Path dir;

  private UpCommand parse(Map<String, String> environment, String... args) {
    UpCommand up = new UpCommand();
    new CommandLine(up)
        .setDefaultValueProvider(new SettingsDefaultProvider(environment))
        .parseArgs(args);
    return up;
  }

  @Test
  void shouldUseBuiltInDefaultWhenNothingElseIsSet() {
    assertThat(parse(Map.of()).options().kafkaPort()).isEqualTo(9092);
  }

  @Test
  void shouldPreferEnvironmentOverConfigFile() throws Exception {
    Path file =
        Files.writeString(dir.resolve("sw.properties"), "kafka-port=19092\nhttp-port=18080\n");
    var env = Map.of("SCALEWATCH_CONFIG", file.toString(), "SCALEWATCH_KAFKA_PORT", "29092");

    var config = parse(env).options();

    assertThat(config.kafkaPort()).isEqualTo(29092);
    assertThat(config.httpPort()).isEqualTo(18080);
  }

  @Test
  void shouldPreferFlagOverEnvironment() {
    var env = Map.of("SCALEWATCH_KAFKA_PORT", "29092");

    assertThat(parse(env, "--kafka-port", "39092").options().kafkaPort()).isEqualTo(39092);
  }

  @Test
  void shouldNameTheVariableWhenConfigFileIsMissing() {
    var env = Map.of("SCALEWATCH_CONFIG", dir.resolve("missing.properties").toString());

    assertThatThrownBy(() -> new SettingsDefaultProvider(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SCALEWATCH_CONFIG")
        .hasMessageContaining("missing.properties");
  }

  @Test
  void shouldShowResolvedDefaultsInHelp() {
    StringWriter help = new StringWriter();
    new CommandLine(new UpCommand())
        .setDefaultValueProvider(
            new SettingsDefaultProvider(Map.of("SCALEWATCH_REGISTRY_PORT", "18081")))
        .setOut(new PrintWriter(help))
        .execute("--help");

    assertThat(help.toString()).contains("default: 18081").contains("default: 9092");
  }
}
