package dev.scalewatch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Pins the Avro contract: backward compatible with the committed baseline, every field documented.
 */
class ContractTest {

  private static final Path CURRENT = Path.of("src/main/avro");
  private static final Path BASELINE = Path.of("src/test/resources/contract");

  /** Files other schemas refer to by name, in the order of the imports in schemas/pom.xml. */
  private static final List<String> REFERENCED =
      List.of("Interval.avsc", "Run.avsc", "MetricPoint.avsc", "EvalResult.avsc");

  @Test
  void shouldKeepEveryBaselineSchemaInTheCurrentContract() throws IOException {
    assertThat(parseAll(CURRENT).keySet()).containsAll(parseAll(BASELINE).keySet());
  }

  @Test
  void shouldReadEveryBaselineRecordWithTheCurrentSchema() throws IOException {
    Map<String, Schema> current = parseAll(CURRENT);
    List<String> problems = new ArrayList<>();
    parseAll(BASELINE)
        .forEach(
            (name, writer) -> {
              Schema reader = current.get(name);
              if (reader == null) {
                return;
              }
              var result =
                  SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
              if (result.getCompatibility()
                  != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(name + ": " + result.getIncompatibilities());
              }
            });
    assertThat(problems)
        .as(
            "schemas not BACKWARD compatible with the baseline in "
                + BASELINE
                + " (add new fields with a default; never remove or retype one)")
        .isEmpty();
  }

  @Test
  void shouldDocumentEveryRecordAndField() throws IOException {
    List<String> undocumented = new ArrayList<>();
    for (Schema schema : parseAll(CURRENT).values()) {
      collectUndocumented(schema, new ArrayList<>(), undocumented);
    }
    assertThat(undocumented).as("records and fields without a doc").isEmpty();
  }

  @Test
  void shouldGenerateClassesFromTheCurrentFiles() throws IOException {
    Map<String, Schema> current = parseAll(CURRENT);
    for (TopicSpec spec : Topics.DATA) {
      assertThat(parsingForm(spec.valueSchema()))
          .as(spec.valueClass().getName())
          .isEqualTo(parsingForm(current.get(spec.valueClass().getName())));
    }
  }

  private static String parsingForm(Schema schema) {
    return SchemaNormalization.toParsingForm(schema);
  }

  private static void collectUndocumented(Schema schema, List<String> seen, List<String> out) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.contains(schema.getFullName())) {
          return;
        }
        seen.add(schema.getFullName());
        if (isBlank(schema.getDoc())) {
          out.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (isBlank(field.doc())) {
            out.add(schema.getFullName() + "." + field.name());
          }
          collectUndocumented(field.schema(), seen, out);
        }
      }
      case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, out));
      case ARRAY -> collectUndocumented(schema.getElementType(), seen, out);
      case MAP -> collectUndocumented(schema.getValueType(), seen, out);
      case ENUM -> {
        if (isBlank(schema.getDoc())) {
          out.add(schema.getFullName());
        }
      }
      default -> {}
    }
  }

  private static boolean isBlank(String doc) {
    return doc == null || doc.isBlank();
  }

  /**
   * Parses every .avsc file of a folder, types referred to by name first (as the pom's imports).
   */
  private static Map<String, Schema> parseAll(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(f -> f.toString().endsWith(".avsc"))
              .sorted(
                  Comparator.comparingInt((Path f) -> referencedFirst(f))
                      .thenComparing(Path::toString))
              .toList();
    }
    assertThat(files).as("schema files in " + dir).isNotEmpty();
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> byName = new LinkedHashMap<>();
    for (Path file : files) {
      Schema schema = parser.parse(Files.readString(file));
      byName.put(schema.getFullName(), schema);
    }
    return byName;
  }

  private static int referencedFirst(Path file) {
    int index = REFERENCED.indexOf(file.getFileName().toString());
    return index < 0 ? REFERENCED.size() : index;
  }
}
