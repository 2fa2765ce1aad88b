package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.registry.RegistryHttp.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Soft and permanent deletes of subjects and versions, over HTTP. */
class RegistryDeleteTest {

  private final RegistryHttp http = new RegistryHttp();
  private int id1;
  private int id2;

  @BeforeEach
  void registerTwoVersions() {
    id1 = http.register("probes-value", Schemas.V1).json().path("id").asInt();
    id2 = http.register("probes-value", Schemas.V2).json().path("id").asInt();
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldHideASoftDeletedVersionButKeepItsId() {
    assertThat(http.delete("/subjects/probes-value/versions/1").body()).isEqualTo("1");

    assertThat(http.get("/subjects/probes-value/versions").body()).isEqualTo("[2]");
    assertThat(http.get("/subjects/probes-value/versions?deleted=true").body()).isEqualTo("[1,2]");
    assertThat(http.get("/subjects/probes-value/versions/1").json().path("error_code").asInt())
        .isEqualTo(40402);
    assertThat(http.get("/schemas/ids/" + id1).status()).isEqualTo(200);
  }

  @Test
  void shouldDeleteAVersionPermanentlyOnlyAfterASoftDelete() {
    Answer tooEarly = http.delete("/subjects/probes-value/versions/1?permanent=true");
    http.delete("/subjects/probes-value/versions/1");

    Answer permanent = http.delete("/subjects/probes-value/versions/1?permanent=true");

    assertThat(tooEarly.status()).isEqualTo(404);
    assertThat(tooEarly.json().path("error_code").asInt()).isEqualTo(40407);
    assertThat(permanent.body()).isEqualTo("1");
    assertThat(http.get("/subjects/probes-value/versions?deleted=true").body()).isEqualTo("[2]");
    assertThat(http.get("/schemas/ids/" + id1).json().path("error_code").asInt()).isEqualTo(40403);
    assertThat(http.get("/schemas/ids/" + id2).status()).isEqualTo(200);
  }

  @Test
  void shouldSoftDeleteASubjectThenDeleteItPermanently() {
    Answer tooEarly = http.delete("/subjects/probes-value?permanent=true");

    assertThat(http.delete("/subjects/probes-value").body()).isEqualTo("[1,2]");
    assertThat(http.get("/subjects").body()).isEqualTo("[]");
    assertThat(http.get("/subjects?deleted=true").body()).isEqualTo("[\"probes-value\"]");
    assertThat(http.delete("/subjects/probes-value").json().path("error_code").asInt())
        .isEqualTo(40404);
    assertThat(http.delete("/subjects/probes-value?permanent=true").body()).isEqualTo("[1,2]");
    assertThat(http.get("/subjects?deleted=true").body()).isEqualTo("[]");
    assertThat(
            http.get("/subjects/probes-value/versions?deleted=true")
                .json()
                .path("error_code")
                .asInt())
        .isEqualTo(40401);
    assertThat(tooEarly.json().path("error_code").asInt()).isEqualTo(40405);
  }

  @Test
  void shouldStartANewVersionAfterTheDeletedOnesWithAFreshCompatibilityBase() {
    http.delete("/subjects/probes-value");

    Answer again = http.register("probes-value", Schemas.INCOMPATIBLE);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("id").asInt()).isNotIn(id1, id2);
    assertThat(http.get("/subjects/probes-value/versions").body()).isEqualTo("[3]");
  }
}
