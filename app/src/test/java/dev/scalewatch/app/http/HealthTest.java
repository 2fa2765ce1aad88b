package dev.scalewatch.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void shouldBeUpOnlyWhenEveryComponentIsUp() {
    Health health =
        new Health().register("broker", "b:1", () -> true).register("flink", "f:2", () -> false);

    Health.Report report = health.check();

    assertThat(report.healthy()).isFalse();
    assertThat(report.components().get("broker").status()).isEqualTo("UP");
    assertThat(report.components().get("flink").status()).isEqualTo("DOWN");
  }

  @Test
  void shouldReportThrowingCheckAsDown() {
    Health health =
        new Health()
            .register(
                "registry",
                "r:3",
                () -> {
                  throw new IllegalStateException("boom");
                });

    assertThat(health.check().components().get("registry").status()).isEqualTo("DOWN");
  }
}
