package dev.scalewatch.app.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

  private static final GatewayConfig GATEWAY = new GatewayConfig(Map.of(), 10, 4096);

  @Test
  void shouldRejectPortOutOfRangeNamingTheSetting() {
    assertThatThrownBy(
            () ->
                new StackConfig(
                    Path.of("d"),
                    "127.0.0.1",
                    70000,
                    9093,
                    8081,
                    8080,
                    8082,
                    4,
                    StackConfig.DEFAULT_MIN_FREE_DISK_BYTES,
                    GATEWAY,
                    JobSettings.DEFAULTS,
                    StoreSettings.EMBEDDED,
                    RoutingConfig.NONE))
        .hasMessage("kafka-port must be between 0 and 65535: 70000 (0 picks a free port)");
  }

  @Test
  void shouldRejectAZeroStallGapNamingTheSetting() {
    assertThatThrownBy(() -> JobSettings.DEFAULTS.withStallGap(Duration.ZERO))
        .hasMessageContaining("stall-gap must be > 0: PT0S");
  }

  @Test
  void shouldRejectATargetThatIsNotANumberNamingTheEntry() {
    assertThatThrownBy(() -> JobSettings.parseTargets("hellaswag=0.8,loss=low"))
        .hasMessageContaining("'loss=low'");
  }

  @Test
  void shouldReadSizesInBinaryAndDecimalUnits() {
    org.assertj.core.api.Assertions.assertThat(ByteSize.parse("min-free-disk", "1GiB"))
        .isEqualTo(1L << 30);
    org.assertj.core.api.Assertions.assertThat(ByteSize.parse("min-free-disk", "500 MB"))
        .isEqualTo(500_000_000L);
    org.assertj.core.api.Assertions.assertThat(ByteSize.parse("min-free-disk", "4096"))
        .isEqualTo(4096L);
  }

  @Test
  void shouldRejectASizeWithAnUnknownUnitNamingTheSettingAndValue() {
    assertThatThrownBy(() -> ByteSize.parse("min-free-disk", "2 parsecs"))
        .hasMessage("min-free-disk must be a size such as 512MiB, 2GB or 1048576: '2 parsecs'");
  }

  @Test
  void shouldRejectAStoreUrlOfAnotherDatabaseNamingTheSettingWithoutThePassword() {
    assertThatThrownBy(
            () -> StoreSettings.postgres("jdbc:mysql://db/sw?user=a&password=secret", "", ""))
        .hasMessage(
            "store-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database) or"
                + " empty for the embedded DuckDB: 'jdbc:mysql://db/sw?user=a'");
  }

  @Test
  void shouldNeverShowTheStorePassword() {
    StoreSettings store =
        StoreSettings.postgres("jdbc:postgresql://db:5432/sw?password=inurl", "sw", "secret");
    org.assertj.core.api.Assertions.assertThat(store.toString())
        .isEqualTo("StoreSettings[url=jdbc:postgresql://db:5432/sw, user=sw, password=***]")
        .doesNotContain("secret", "inurl");
    org.assertj.core.api.Assertions.assertThat(store.login().getProperty("password"))
        .isEqualTo("secret");
  }

  @Test
  void shouldRejectAStoreUserWithoutAStoreUrl() {
    assertThatThrownBy(() -> new StoreSettings("", "sw", ""))
        .hasMessageContaining("store-user and store-password need store-url");
  }

  @Test
  void shouldRejectZeroPartitions() {
    assertThatThrownBy(
            () ->
                new StackConfig(
                    Path.of("d"),
                    "127.0.0.1",
                    9092,
                    9093,
                    8081,
                    8080,
                    8082,
                    0,
                    StackConfig.DEFAULT_MIN_FREE_DISK_BYTES,
                    GATEWAY,
                    JobSettings.DEFAULTS,
                    StoreSettings.EMBEDDED,
                    RoutingConfig.NONE))
        .hasMessageContaining("partitions must be between 1 and 1024: 0");
  }
}
