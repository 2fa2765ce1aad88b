package dev.scalewatch.registry;

import dev.scalewatch.schemas.registry.CompatibilityLevel;
import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state and rules: subjects with numbered versions, global schema ids (one per
 * distinct canonical schema, reused across subjects), soft and permanent deletes, compatibility
 * levels.
 *
 * <p>Every change is first appended to the {@link SchemaLog} (acknowledged) and then applied; on
 * construction the whole log is replayed, so a new store over the same log has the same ids,
 * versions, deletions and levels. Refusals raise {@link SchemaRegistryException} with Confluent's
 * status, error code and message. Thread-safe: every public operation holds the store's lock.
 */
final class SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);

  private final SchemaLog log;
  private final Map<String, TreeMap<Integer, SubjectVersion>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int maxId;

  /** Creates a store and replays the log into it. */
  SchemaStore(SchemaLog log) {
    this.log = log;
    synchronized (this) {
      log.replay(this::apply);
    }
  }

  synchronized List<String> subjects(boolean deleted) {
    return subjects.entrySet().stream()
        .filter(e -> e.getValue().values().stream().anyMatch(visible(deleted)))
        .map(Map.Entry::getKey)
        .toList();
  }

  synchronized List<Integer> versions(String subject, boolean deleted) {
    return visibleVersions(subject, deleted).stream().map(SubjectVersion::version).toList();
  }

  synchronized SubjectVersion version(String subject, String version, boolean deleted) {
    return resolve(subject, visibleVersions(subject, deleted), version);
  }

  synchronized int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    List<SubjectVersion> live = liveVersions(subject);
    for (SubjectVersion v : live) {
      if (v.schema().equals(canonical)) {
        return v.id();
      }
    }
    List<String> problems =
        levelOf(subject).check(schema, live.stream().map(v -> parsed(v.id())).toList());
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          409,
          ErrorCodes.INCOMPATIBLE_SCHEMA,
          String.format(
              Locale.ROOT,
              "Schema being registered is incompatible with an earlier schema for subject \"%s\" (compatibility %s), "
                  + "details: %s",
              subject,
              levelOf(subject),
              problems));
    }
    int id = idBySchema.getOrDefault(canonical, maxId + 1);
    TreeMap<Integer, SubjectVersion> all = subjects.get(subject);
    int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
    write(LogCodec.put(new SubjectVersion(subject, version, id, canonical, false)));
    return id;
  }

  synchronized SubjectVersion lookup(String subject, String schemaText, boolean deleted) {
    String canonical = parse(schemaText).toString();
    List<SubjectVersion> visible = visibleVersions(subject, deleted);
    for (int i = visible.size() - 1; i >= 0; i--) {
      if (visible.get(i).schema().equals(canonical)) {
        return visible.get(i);
      }
    }
    throw new SchemaRegistryException(404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema not found");
  }

  synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
    List<SubjectVersion> all = visibleVersions(subject, true);
    List<SubjectVersion> live = all.stream().filter(v -> !v.deleted()).toList();
    if (!permanent) {
      if (live.isEmpty()) {
        throw new SchemaRegistryException(
            404,
            ErrorCodes.SUBJECT_SOFT_DELETED,
            "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
      }
      live.forEach(v -> write(LogCodec.put(v.softDeleted())));
      return live.stream().map(SubjectVersion::version).toList();
    }
    if (!live.isEmpty()) {
      throw new SchemaRegistryException(
          404,
          ErrorCodes.SUBJECT_NOT_SOFT_DELETED,
          "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }
    all.forEach(v -> write(LogCodec.remove(subject, v.version())));
    return all.stream().map(SubjectVersion::version).toList();
  }

  synchronized int deleteVersion(String subject, String version, boolean permanent) {
    SubjectVersion target = resolve(subject, visibleVersions(subject, permanent), version);
    if (!permanent) {
      write(LogCodec.put(target.softDeleted()));
    } else if (!target.deleted()) {
      throw new SchemaRegistryException(
          404,
          ErrorCodes.SCHEMA_VERSION_NOT_SOFT_DELETED,
          String.format(
              Locale.ROOT,
              "Subject '%s' Version %d was not deleted first before being permanently deleted",
              subject,
              target.version()));
    } else {
      write(LogCodec.remove(subject, target.version()));
    }
    return target.version();
  }

  synchronized String schemaById(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  synchronized List<SubjectVersion> versionsOfId(int id, boolean deleted) {
    schemaById(id);
    List<SubjectVersion> found = new ArrayList<>();
    subjects
        .values()
        .forEach(
            vs ->
                vs.values().stream()
                    .filter(v -> v.id() == id)
                    .filter(visible(deleted))
                    .forEach(found::add));
    return found;
  }

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  synchronized void setGlobalLevel(CompatibilityLevel level) {
    write(LogCodec.config(null, level));
  }

  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    write(LogCodec.config(subject, level));
  }

  synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
    CompatibilityLevel previous = subjectLevels.get(subject);
    if (previous == null) {
      throw notConfigured(subject);
    }
    write(LogCodec.config(subject, null));
    return previous;
  }

  /**
   * Checks a schema against a subject: {@code version} null checks every version the level asks
   * for, {@code latest} the same (true when the subject has no versions), a number only that
   * version.
   */
  synchronized List<String> checkCompatibility(String subject, String version, String schemaText) {
    Schema schema = parse(schemaText);
    CompatibilityLevel level = levelOf(subject);
    List<SubjectVersion> live = liveVersions(subject);
    if (version == null || (live.isEmpty() && isLatest(version))) {
      return level.check(schema, live.stream().map(v -> parsed(v.id())).toList());
    }
    SubjectVersion against = resolve(subject, visibleVersions(subject, false), version);
    List<SubjectVersion> previous = isLatest(version) ? live : List.of(against);
    return level.check(schema, previous.stream().map(v -> parsed(v.id())).toList());
  }

  static SchemaRegistryException notConfigured(String subject) {
    return new SchemaRegistryException(
        404,
        ErrorCodes.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  private CompatibilityLevel levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private void write(LogRecord record) {
    log.append(record);
    apply(record);
  }

  private void apply(LogRecord record) {
    LogCodec.Entry entry = LogCodec.decode(record);
    if (entry instanceof LogCodec.SchemaPut put) {
      SubjectVersion v = put.version();
      subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
      schemaById.put(v.id(), v.schema());
      idBySchema.putIfAbsent(v.schema(), v.id());
      maxId = Math.max(maxId, v.id());
    } else if (entry instanceof LogCodec.SchemaRemoved removed) {
      remove(removed.subject(), removed.version());
    } else if (entry instanceof LogCodec.ConfigSet config) {
      applyConfig(config);
    } else if (entry instanceof LogCodec.Ignored ignored) {
      LOG.debug("schema log: {}", ignored.reason());
    }
  }

  private void applyConfig(LogCodec.ConfigSet config) {
    if (config.subject() == null) {
      globalLevel = config.level() == null ? CompatibilityLevel.BACKWARD : config.level();
    } else if (config.level() == null) {
      subjectLevels.remove(config.subject());
    } else {
      subjectLevels.put(config.subject(), config.level());
    }
  }

  private void remove(String subject, int version) {
    TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
    SubjectVersion gone = versions == null ? null : versions.remove(version);
    if (gone == null) {
      return;
    }
    if (versions.isEmpty()) {
      subjects.remove(subject);
    }
    boolean stillUsed =
        subjects.values().stream()
            .anyMatch(vs -> vs.values().stream().anyMatch(v -> v.id() == gone.id()));
    if (!stillUsed) {
      schemaById.remove(gone.id());
      parsedById.remove(gone.id());
      idBySchema.remove(gone.schema(), gone.id());
    }
  }

  private List<SubjectVersion> liveVersions(String subject) {
    TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
    return versions == null
        ? List.of()
        : versions.values().stream().filter(v -> !v.deleted()).toList();
  }

  private List<SubjectVersion> visibleVersions(String subject, boolean deleted) {
    TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
    List<SubjectVersion> visible =
        versions == null ? List.of() : versions.values().stream().filter(visible(deleted)).toList();
    if (visible.isEmpty()) {
      throw new SchemaRegistryException(
          404, ErrorCodes.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    return visible;
  }

  private static Predicate<SubjectVersion> visible(boolean deleted) {
    return v -> deleted || !v.deleted();
  }

  private static SubjectVersion resolve(
      String subject, List<SubjectVersion> visible, String version) {
    if (isLatest(version)) {
      return visible.get(visible.size() - 1);
    }
    int number = parseVersion(version);
    return visible.stream()
        .filter(v -> v.version() == number)
        .findFirst()
        .orElseThrow(
            () ->
                new SchemaRegistryException(
                    404, ErrorCodes.VERSION_NOT_FOUND, "Version " + number + " not found."));
  }

  private static boolean isLatest(String version) {
    return "latest".equalsIgnoreCase(version) || "-1".equals(version);
  }

  private static int parseVersion(String version) {
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SchemaRegistryException(
        422,
        ErrorCodes.INVALID_VERSION,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  private Schema parsed(int id) {
    return parsedById.computeIfAbsent(id, i -> new Schema.Parser().parse(schemaById.get(i)));
  }

  private static Schema parse(String text) {
    if (text == null || text.isBlank()) {
      throw new SchemaRegistryException(
          422, ErrorCodes.INVALID_SCHEMA, "Empty schema: send {\"schema\": \"...\"}");
    }
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          422, ErrorCodes.INVALID_SCHEMA, "Invalid schema " + text + ": " + e.getMessage(), e);
    }
  }
}
