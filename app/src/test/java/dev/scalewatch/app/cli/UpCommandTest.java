package dev.scalewatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code up}'s options resolve into a stack configuration (without starting anything). */
class UpCommandTest {

  private static UpCommand parse(String... args) {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs(args);
    return up;
  }

  @Test
  void shouldKeepTheStallGapAtTenMinutesWithoutDemo() {
    assertThat(parse().options().jobs().stallGap()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldShortenTheStallGapTo20SecondsForTheDemo() {
    assertThat(parse("--demo").options().jobs().stallGap()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void shouldKeepAnExplicitStallGapWithTheDemo() {
    assertThat(parse("--demo", "--stall-gap", "90").options().jobs().stallGap())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldUseTheEmbeddedStoreByDefault() {
    assertThat(parse().options().store().embedded()).isTrue();
  }

  @Test
  void shouldTakeAPostgresStoreUrlAndUser() {
    var store =
        parse("--store-url", "jdbc:postgresql://db:5432/sw", "--store-user", "sw")
            .options()
            .store();
    assertThat(store.url()).isEqualTo("jdbc:postgresql://db:5432/sw");
    assertThat(store.user()).isEqualTo("sw");
  }

  @Test
  void shouldRefuseTheStorePasswordAsAFlagNamingWhereItGoes() {
    UpCommand up = parse("--store-url", "jdbc:postgresql://db/sw", "--store-password", "secret");
    assertThatThrownBy(up::options)
        .hasMessageContaining("--store-password is not taken on the command line")
        .hasMessageContaining("SCALEWATCH_STORE_PASSWORD")
        .hasMessageNotContaining("secret");
  }
}
