package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.registry.RegistryHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Compatibility levels (global and per subject) and the compatibility endpoint, over HTTP. */
class RegistryConfigApiTest {

  private final RegistryHttp http = new RegistryHttp();

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldDefaultToBackwardAndChangeTheGlobalLevel() {
    assertThat(http.get("/config").body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

    assertThat(http.put("/config", "{\"compatibility\":\"full_transitive\"}").body())
        .isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(http.get("/config").body())
        .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
  }

  @Test
  void shouldApplyALevelSetForOneSubjectOnly() {
    http.register("loose-value", Schemas.V1);
    http.register("strict-value", Schemas.V1);

    assertThat(http.put("/config/loose-value", "{\"compatibility\":\"NONE\"}").body())
        .isEqualTo("{\"compatibility\":\"NONE\"}");

    assertThat(http.get("/config/loose-value").body())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(http.register("loose-value", Schemas.INCOMPATIBLE).status()).isEqualTo(200);
    assertThat(http.register("strict-value", Schemas.INCOMPATIBLE).status()).isEqualTo(409);
  }

  @Test
  void shouldAnswer40408ForASubjectWithoutItsOwnLevelUnlessAskedForTheGlobalOne() {
    Answer none = http.get("/config/probes-value");

    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().path("error_code").asInt()).isEqualTo(40408);
    assertThat(http.get("/config/probes-value?defaultToGlobal=true").body())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
  }

  @Test
  void shouldDeleteASubjectLevelAndFallBackToTheGlobalOne() {
    http.put("/config/probes-value", "{\"compatibility\":\"NONE\"}");

    assertThat(http.delete("/config/probes-value").body())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");

    assertThat(http.get("/config/probes-value").status()).isEqualTo(404);
    http.register("probes-value", Schemas.V1);
    assertThat(http.register("probes-value", Schemas.INCOMPATIBLE).status()).isEqualTo(409);
  }

  @Test
  void shouldRefuseAnUnknownLevelWith42203() {
    Answer answer = http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().path("error_code").asInt()).isEqualTo(42203);
    assertThat(http.get("/config").json().path("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");
  }

  @Test
  void shouldTellWhetherASchemaIsCompatibleWithMessagesWhenVerbose() {
    http.register("probes-value", Schemas.V1);

    Answer compatible =
        http.post(
            "/compatibility/subjects/probes-value/versions/latest", RegistryHttp.body(Schemas.V2));
    Answer incompatible =
        http.post(
            "/compatibility/subjects/probes-value/versions/1?verbose=true",
            RegistryHttp.body(Schemas.INCOMPATIBLE));
    Answer noSubject =
        http.post(
            "/compatibility/subjects/new-value/versions/latest",
            RegistryHttp.body(Schemas.INCOMPATIBLE));

    assertThat(compatible.body()).isEqualTo("{\"is_compatible\":true}");
    assertThat(incompatible.json().path("is_compatible").asBoolean()).isFalse();
    assertThat(incompatible.json().path("messages").get(0).asText())
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(noSubject.body()).isEqualTo("{\"is_compatible\":true}");
    assertThat(http.get("/subjects/probes-value/versions").body()).isEqualTo("[1]");
  }
}
