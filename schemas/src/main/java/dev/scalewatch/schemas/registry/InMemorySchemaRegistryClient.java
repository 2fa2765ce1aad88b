package dev.scalewatch.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for unit tests: ids global and reused for identical schemas, versions
 * per subject, BACKWARD compatibility on register. No deletes, no per-subject config. Thread-safe
 * (every method synchronized).
 */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<RegisteredSchema>> versionsBySubject = new TreeMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<RegisteredSchema> versions =
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    Integer existing = find(versions, schema);
    if (existing != null) {
      return existing;
    }
    List<String> problems = CompatibilityLevel.BACKWARD.check(schema, schemas(versions));
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          409,
          ErrorCodes.INCOMPATIBLE_SCHEMA,
          String.format(
              Locale.ROOT,
              "Schema being registered is incompatible with an earlier schema for subject \"%s\", details: %s",
              subject,
              problems));
    }
    int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> schemasById.size() + 1);
    schemasById.putIfAbsent(id, schema);
    versions.add(new RegisteredSchema(subject, id, versions.size() + 1, schema));
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    Integer id = find(versionsOf(subject), schema);
    if (id == null) {
      throw new SchemaRegistryException(404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema not found");
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<RegisteredSchema> versions = versionsOf(subject);
    return versions.get(versions.size() - 1);
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<RegisteredSchema> versions = versionsBySubject.getOrDefault(subject, List.of());
    return CompatibilityLevel.BACKWARD.check(schema, schemas(versions)).isEmpty();
  }

  @Override
  public synchronized List<String> subjects() {
    return versionsBySubject.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .toList();
  }

  private List<RegisteredSchema> versionsOf(String subject) {
    List<RegisteredSchema> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SchemaRegistryException(
          404, ErrorCodes.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private static Integer find(List<RegisteredSchema> versions, Schema schema) {
    String text = schema.toString();
    return versions.stream()
        .filter(v -> v.schema().toString().equals(text))
        .map(RegisteredSchema::id)
        .findFirst()
        .orElse(null);
  }

  private static List<Schema> schemas(List<RegisteredSchema> versions) {
    return versions.stream().map(RegisteredSchema::schema).toList();
  }
}
