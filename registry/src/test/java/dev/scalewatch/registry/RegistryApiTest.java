package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.registry.RegistryHttp.Answer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Confluent REST API of the embedded registry over real HTTP, with an in-memory log. */
class RegistryApiTest {

  private final RegistryHttp http = new RegistryHttp();

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void shouldRegisterThenListLookUpAndFetchVersions() {
    Answer registered = http.register("probes-value", Schemas.V1);

    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.contentType()).startsWith("application/vnd.schemaregistry.v1+json");
    int id = registered.json().path("id").asInt();
    String canonical = new Schema.Parser().parse(Schemas.V1).toString();
    assertThat(http.get("/subjects").body()).isEqualTo("[\"probes-value\"]");
    assertThat(http.get("/subjects/probes-value/versions").body()).isEqualTo("[1]");
    assertThat(http.get("/subjects/probes-value/versions/1").body())
        .isEqualTo(
            "{\"subject\":\"probes-value\",\"version\":1,\"id\":"
                + id
                + ",\"schema\":"
                + quoted(canonical)
                + "}");
    assertThat(http.get("/subjects/probes-value/versions/latest").json().path("version").asInt())
        .isEqualTo(1);
    assertThat(http.get("/subjects/probes-value/versions/1/schema").body()).isEqualTo(canonical);
    Answer lookup = http.post("/subjects/probes-value", RegistryHttp.body(Schemas.V1));
    assertThat(lookup.json().path("id").asInt()).isEqualTo(id);
    assertThat(lookup.json().path("version").asInt()).isEqualTo(1);
  }

  @Test
  void shouldServeSchemasByIdIgnoringExtraQueryParameters() {
    int id = http.register("probes-value", Schemas.V1).json().path("id").asInt();
    String canonical = new Schema.Parser().parse(Schemas.V1).toString();

    assertThat(http.get("/schemas/ids/" + id + "?subject=probes-value").body())
        .isEqualTo("{\"schema\":" + quoted(canonical) + "}");
    assertThat(http.get("/schemas/ids/" + id + "/schema").body()).isEqualTo(canonical);
    assertThat(http.get("/schemas/ids/" + id + "/versions").body())
        .isEqualTo("[{\"subject\":\"probes-value\",\"version\":1}]");
    assertThat(http.get("/schemas/types").body()).isEqualTo("[\"AVRO\"]");
  }

  @Test
  void shouldReturnTheExistingIdForAnIdenticalSchemaAndReuseItAcrossSubjects() {
    int id = http.register("a-value", Schemas.V1).json().path("id").asInt();

    assertThat(http.register("a-value", Schemas.V1).json().path("id").asInt()).isEqualTo(id);
    assertThat(http.get("/subjects/a-value/versions").body()).isEqualTo("[1]");
    assertThat(http.register("b-value", Schemas.V1).json().path("id").asInt()).isEqualTo(id);
    assertThat(http.register("b-value", Schemas.V2).json().path("id").asInt()).isNotEqualTo(id);
    assertThat(http.get("/subjects/b-value/versions").body()).isEqualTo("[1,2]");
  }

  @Test
  void shouldAcceptPlainJsonAndTheFieldsPythonSends() {
    String body =
        "{\"schema\":" + quoted(Schemas.V1) + ",\"schemaType\":\"AVRO\",\"references\":[]}";

    Answer answer =
        http.send("POST", "/subjects/py-value/versions?normalize=False", body, "application/json");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().path("id").isInt()).isTrue();
  }

  @Test
  void shouldRefuseIncompatibleSchemaWith409() {
    http.register("probes-value", Schemas.V1);

    Answer answer = http.register("probes-value", Schemas.INCOMPATIBLE);

    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.json().path("error_code").asInt()).isEqualTo(409);
    assertThat(answer.json().path("message").asText())
        .startsWith(
            "Schema being registered is incompatible with an earlier schema for subject \"probes-value\"")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(http.get("/subjects/probes-value/versions").body()).isEqualTo("[1]");
  }

  @Test
  void shouldAnswer404With40403ForAnUnknownId() {
    Answer answer = http.get("/schemas/ids/77");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body())
        .isEqualTo("{\"error_code\":40403,\"message\":\"Schema 77 not found\"}");
  }

  @Test
  void shouldAnswer404With40401ForAnUnknownSubject() {
    Answer versions = http.get("/subjects/nope/versions");
    Answer lookup = http.post("/subjects/nope", RegistryHttp.body(Schemas.V1));

    assertThat(versions.status()).isEqualTo(404);
    assertThat(versions.body())
        .isEqualTo("{\"error_code\":40401,\"message\":\"Subject 'nope' not found.\"}");
    assertThat(lookup.json().path("error_code").asInt()).isEqualTo(40401);
  }

  @Test
  void shouldAnswer40403WhenLookingUpASchemaNotUnderTheSubject() {
    http.register("probes-value", Schemas.V1);

    Answer answer = http.post("/subjects/probes-value", RegistryHttp.body(Schemas.V2));

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().path("error_code").asInt()).isEqualTo(40403);
  }

  @Test
  void shouldAnswer40402ForAMissingVersionAnd42202ForAnInvalidOne() {
    http.register("probes-value", Schemas.V1);

    Answer missing = http.get("/subjects/probes-value/versions/9");
    Answer invalid = http.get("/subjects/probes-value/versions/zero");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("error_code").asInt()).isEqualTo(40402);
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.json().path("error_code").asInt()).isEqualTo(42202);
    assertThat(invalid.json().path("message").asText())
        .contains("'zero' is not a valid version id");
  }

  @Test
  void shouldRefuseAnInvalidSchemaWith42201() {
    Answer badType = http.register("probes-value", "{\"type\":\"recordz\",\"name\":\"X\"}");
    Answer notJson = http.post("/subjects/probes-value/versions", "schema=x");
    Answer protobuf =
        http.post(
            "/subjects/probes-value/versions",
            "{\"schema\":\"syntax = 'proto3';\",\"schemaType\":\"PROTOBUF\"}");
    Answer references =
        http.post(
            "/subjects/probes-value/versions",
            "{\"schema\":"
                + quoted(Schemas.V1)
                + ",\"references\":[{\"name\":\"x\",\"subject\":\"y\",\"version\":1}]}");

    for (Answer answer : new Answer[] {badType, notJson, protobuf, references}) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(422);
      assertThat(answer.json().path("error_code").asInt()).isEqualTo(42201);
    }
    assertThat(badType.json().path("message").asText()).startsWith("Invalid schema");
    assertThat(protobuf.json().path("message").asText()).contains("AVRO only");
    assertThat(http.get("/subjects").body()).isEqualTo("[]");
  }

  @Test
  void shouldAnswerUnknownPathsInConfluentsErrorShape() {
    Answer answer = http.get("/nothing/here");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().path("error_code").asInt()).isEqualTo(404);
  }

  static String quoted(String text) {
    return new com.fasterxml.jackson.databind.node.TextNode(text).toString();
  }
}
