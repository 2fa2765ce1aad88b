package dev.scalewatch.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every ScaleWatch setting in docker-compose.yml exists and parses: each ScaleWatch service's
 * {@code command:} and {@code SCALEWATCH_<OPTION>} variables go through the real command line
 * ({@link ComposeSettings}), with the variables of deploy/env.example. The other tests show the
 * check fails, naming the service, the setting and the subcommand.
 */
class ComposeSettingsTest {

  static final Path ENV_EXAMPLE = ComposeFileTest.ROOT.resolve("deploy/env.example");

  static final Map<String, String> VARIABLES = Map.of("POSTGRES_PASSWORD", "example");

  @Test
  void shouldUseOnlySettingsTheirSubcommandsHave() throws Exception {
    List<String> problems =
        ComposeSettings.check(
            Files.readString(ComposeFileTest.COMPOSE_FILE),
            ComposeSettings.readEnvFile(ENV_EXAMPLE));

    assertThat(problems).as("problems of docker-compose.yml").isEmpty();
  }

  @Test
  void shouldNameTheServiceTheFlagAndTheSubcommandOfAMisspelledFlag() throws Exception {
    List<String> problems =
        check(
            """
            normalizer-1:
              image: scalewatch:local
              command: [normalizer, --bootstrap-server, kafka:9092]
            """);

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("service normalizer-1")
        .contains("--bootstrap-server")
        .contains("subcommand 'scalewatch normalizer'");
  }

  @Test
  void shouldRefuseAVariableOfAnotherSubcommand() throws Exception {
    List<String> problems =
        check(
            """
            normalizer-1:
              image: scalewatch:local
              command: [normalizer]
              environment:
                SCALEWATCH_STORE_URL: jdbc:postgresql://localhost:5432/scalewatch
            """);

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("service normalizer-1")
        .contains("SCALEWATCH_STORE_URL")
        .contains("'scalewatch normalizer'");
  }

  @Test
  void shouldRefuseABadValueFromAFlagOrAVariable() throws Exception {
    List<String> problems =
        check(
            """
            normalizer-1:
              image: scalewatch:local
              command: [normalizer, --partitions, twelve]
            normalizer-2:
              image: scalewatch:local
              command: [normalizer]
              environment:
                SCALEWATCH_HTTP_PORT: eighty
            """);

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("service normalizer-1").contains("'twelve'");
    assertThat(problems.get(1)).contains("service normalizer-2").contains("'eighty'");
  }

  @Test
  void shouldRefuseAnUnknownSubcommandAndAMissingOne() throws Exception {
    List<String> problems =
        check(
            """
            normaliser:
              image: scalewatch:local
              command: [normaliser]
            jobs:
              image: scalewatch:local
              command: [jobs]
            """);

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("service normaliser").contains("normaliser");
    assertThat(problems.get(1)).contains("service jobs").contains("names no subcommand");
  }

  @Test
  void shouldRefuseAPasswordAsAFlagAndAnUnsetSecret() throws Exception {
    List<String> problems =
        check(
            """
            serve:
              image: scalewatch:local
              command: [up, --store-password, secret]
            registry:
              image: scalewatch:local
              command: [registry, --bootstrap-servers, "${KAFKA_SERVERS:?set it}"]
            """);

    assertThat(problems)
        .anySatisfy(
            p -> assertThat(p).contains("service serve").contains("SCALEWATCH_STORE_PASSWORD"))
        .anySatisfy(p -> assertThat(p).contains("service registry").contains("KAFKA_SERVERS"));
  }

  @Test
  void shouldRefuseReferencesToWhatTheFileDoesNotHave() throws Exception {
    List<String> problems =
        check(
            """
            registry:
              image: scalewatch:local
              command: [registry, --bootstrap-servers, "kafka-9:9092"]
              depends_on:
                kafka:
                  condition: service_healthy
              volumes: [registry-data:/data]
              restart: sometimes
            kafka:
              image: apache/kafka:4.2.0
            """);

    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("kafka-9:9092").contains("no service"))
        .anySatisfy(p -> assertThat(p).contains("kafka has no healthcheck"))
        .anySatisfy(p -> assertThat(p).contains("volume registry-data"))
        .anySatisfy(p -> assertThat(p).contains("restart sometimes"));
  }

  private static List<String> check(String services) throws Exception {
    return ComposeSettings.check("services:\n" + services.indent(2), VARIABLES);
  }
}
