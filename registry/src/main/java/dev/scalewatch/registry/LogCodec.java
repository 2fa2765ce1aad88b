package dev.scalewatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.registry.CompatibilityLevel;
import java.io.IOException;

/**
 * Encodes the registry's changes as {@link LogRecord}s in Confluent Schema Registry's {@code
 * _schemas} format, and decodes them. Keys: {@code
 * {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} and {@code
 * {"keytype":"CONFIG","subject":..,"magic":0}} (subject null for the global level). Values: {@code
 * {"subject","version","id","schema","deleted"}} and {@code {"compatibilityLevel":..}}; a null
 * value deletes permanently. Other key types (NOOP, DELETE_SUBJECT, MODE...) decode to {@link
 * Ignored}. Stateless and thread-safe.
 */
final class LogCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A decoded log record. */
  sealed interface Entry permits SchemaPut, SchemaRemoved, ConfigSet, Ignored {}

  /** A version was registered or soft-deleted. */
  record SchemaPut(SubjectVersion version) implements Entry {}

  /** A version was deleted permanently. */
  record SchemaRemoved(String subject, int version) implements Entry {}

  /**
   * A compatibility level was set (level non-null) or removed (null); subject null for the global
   * one.
   */
  record ConfigSet(String subject, CompatibilityLevel level) implements Entry {}

  /** A record this registry does not use, with the reason. */
  record Ignored(String reason) implements Entry {}

  private LogCodec() {}

  static LogRecord put(SubjectVersion v) {
    ObjectNode value = JSON.createObjectNode();
    value.put("subject", v.subject());
    value.put("version", v.version());
    value.put("id", v.id());
    value.put("schema", v.schema());
    value.put("deleted", v.deleted());
    return new LogRecord(schemaKey(v.subject(), v.version()), value.toString());
  }

  static LogRecord remove(String subject, int version) {
    return new LogRecord(schemaKey(subject, version), null);
  }

  static LogRecord config(String subject, CompatibilityLevel level) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "CONFIG");
    key.put("subject", subject);
    key.put("magic", 0);
    String value = null;
    if (level != null) {
      value = JSON.createObjectNode().put("compatibilityLevel", level.name()).toString();
    }
    return new LogRecord(key.toString(), value);
  }

  static Entry decode(LogRecord record) {
    try {
      JsonNode key = JSON.readTree(record.key());
      String keyType = key.path("keytype").asText("");
      String subject = key.path("subject").isTextual() ? key.path("subject").asText() : null;
      JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
      return switch (keyType) {
        case "SCHEMA" ->
            value == null
                ? new SchemaRemoved(subject, key.path("version").asInt())
                : new SchemaPut(
                    new SubjectVersion(
                        value.path("subject").asText(subject),
                        value.path("version").asInt(),
                        value.path("id").asInt(),
                        value.path("schema").asText(),
                        value.path("deleted").asBoolean(false)));
        case "CONFIG" ->
            new ConfigSet(
                subject,
                value == null
                    ? null
                    : CompatibilityLevel.parse(value.path("compatibilityLevel").asText()));
        default -> new Ignored("key type '" + keyType + "' is not used by this registry");
      };
    } catch (IOException | IllegalArgumentException e) {
      return new Ignored("malformed record " + record + ": " + e.getMessage());
    }
  }

  private static String schemaKey(String subject, int version) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "SCHEMA");
    key.put("subject", subject);
    key.put("version", version);
    key.put("magic", 1);
    return key.toString();
  }
}
