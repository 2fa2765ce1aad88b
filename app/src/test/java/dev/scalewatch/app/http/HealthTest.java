package dev.scalewatch.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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

  @Test
  void shouldReportDetailsBesideTheStateAndSurviveAThrowingOne() {
    Health health =
        new Health()
            .register("normalizer", "n", () -> true, () -> Map.of("lagRecords", 12L))
            .register(
                "other",
                "o",
                () -> true,
                () -> {
                  throw new IllegalStateException("boom");
                });

    Health.Report report = health.check();

    assertThat(report.healthy()).isTrue();
    assertThat(report.components().get("normalizer").details()).containsEntry("lagRecords", 12L);
    assertThat(report.components().get("other").details()).isEmpty();
  }
}
