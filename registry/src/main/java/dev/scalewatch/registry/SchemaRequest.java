package dev.scalewatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Locale;

/**
 * The body of register, lookup and compatibility requests: {@code {"schema": "...", "schemaType":
 * "AVRO", "references": []}}. Other fields (metadata, ruleSet) are ignored. Stateless and
 * thread-safe.
 */
final class SchemaRequest {

  private SchemaRequest() {}

  /**
   * Returns the schema text of a request body.
   *
   * @throws SchemaRegistryException 422/42201 if the body is not JSON, has no schema, a schema type
   *     other than AVRO, or schema references
   */
  static String schemaOf(ObjectMapper json, String body) {
    JsonNode node;
    try {
      node = json.readTree(body == null ? "" : body);
    } catch (IOException e) {
      throw invalid(
          "Invalid request body (expected JSON like {\"schema\": \"...\"}): " + e.getMessage());
    }
    if (node == null || !node.path("schema").isTextual()) {
      throw invalid("Empty schema: the body must carry the Avro schema as a string in \"schema\"");
    }
    JsonNode type = node.path("schemaType");
    if (!type.isMissingNode() && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
      throw invalid(
          String.format(
              Locale.ROOT,
              "Invalid schema type %s: this registry supports AVRO only",
              type.asText()));
    }
    JsonNode references = node.path("references");
    if (references.isArray() && !references.isEmpty()) {
      throw invalid(
          "Schema references are not supported by this registry: inline the referenced types");
    }
    return node.path("schema").asText();
  }

  private static SchemaRegistryException invalid(String message) {
    return new SchemaRegistryException(422, ErrorCodes.INVALID_SCHEMA, message);
  }
}
