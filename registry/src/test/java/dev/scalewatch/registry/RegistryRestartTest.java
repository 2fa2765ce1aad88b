package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A new registry over the same log recovers ids, versions, levels and deletions. */
class RegistryRestartTest {

  @Test
  void shouldRecoverEverySchemaIdLevelAndDeletionAfterARestart() {
    SchemaLog log = SchemaLog.inMemory();
    int id1;
    int id2;
    try (RegistryHttp first = new RegistryHttp(log)) {
      id1 = first.register("a-value", Schemas.V1).json().path("id").asInt();
      id2 = first.register("a-value", Schemas.V2).json().path("id").asInt();
      first.register("b-value", Schemas.V1);
      first.put("/config/b-value", "{\"compatibility\":\"NONE\"}");
      first.put("/config", "{\"compatibility\":\"FULL\"}");
      first.delete("/subjects/a-value/versions/1");
    }

    try (RegistryHttp second = new RegistryHttp(log)) {
      assertThat(second.get("/subjects/a-value/versions").body()).isEqualTo("[2]");
      assertThat(second.get("/subjects/a-value/versions?deleted=true").body()).isEqualTo("[1,2]");
      assertThat(second.get("/subjects/a-value/versions/2").json().path("id").asInt())
          .isEqualTo(id2);
      assertThat(
              second
                  .post("/subjects/b-value", RegistryHttp.body(Schemas.V1))
                  .json()
                  .path("id")
                  .asInt())
          .isEqualTo(id1);
      assertThat(second.get("/config/b-value").body())
          .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
      assertThat(second.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
      assertThat(second.register("b-value", Schemas.INCOMPATIBLE).json().path("id").asInt())
          .isGreaterThan(Math.max(id1, id2));
    }
  }

  @Test
  void shouldNameTheAddressWhenThePortIsTaken() {
    try (RegistryHttp first = new RegistryHttp()) {
      int port = first.registry.port();

      assertThatThrownBy(
              () ->
                  EmbeddedSchemaRegistry.start(
                      RegistryConfig.of(null, "127.0.0.1", port), SchemaLog.inMemory()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("registry cannot listen on 127.0.0.1:" + port)
          .hasMessageContaining("or 0 to pick a free one");
      assertThat(first.registry.isReady()).isTrue();
    }
  }
}
