package dev.scalewatch.app.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.ingest.gateway.GatewayConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

  private static final GatewayConfig GATEWAY = new GatewayConfig(Map.of(), 10, 4096);

  @Test
  void shouldRejectPortOutOfRangeNamingTheSetting() {
    assertThatThrownBy(
            () ->
                new StackConfig(
                    Path.of("d"), "127.0.0.1", 70000, 9093, 8081, 8080, 8082, 4, GATEWAY))
        .hasMessage("kafka-port must be between 0 and 65535: 70000 (0 picks a free port)");
  }

  @Test
  void shouldRejectZeroPartitions() {
    assertThatThrownBy(
            () ->
                new StackConfig(
                    Path.of("d"), "127.0.0.1", 9092, 9093, 8081, 8080, 8082, 0, GATEWAY))
        .hasMessageContaining("partitions must be between 1 and 1024: 0");
  }
}
