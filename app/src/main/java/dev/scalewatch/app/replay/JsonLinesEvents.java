package dev.scalewatch.app.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.json.AvroJson;
import dev.scalewatch.schemas.json.AvroJsonException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads JSON lines of events, in file order: each line an object with {@code "type"} ({@code run},
 * {@code metric} or {@code eval}) and the contract's fields; {@code project} defaults to the
 * replay's project. Errors name the line, the field and the value.
 */
public final class JsonLinesEvents {

  private static final Map<String, Class<? extends SpecificRecord>> TYPES =
      Map.of("run", Run.class, "metric", MetricPoint.class, "eval", EvalResult.class);

  private JsonLinesEvents() {}

  /** Reads every event of {@code file}; throws on the first bad line. */
  public static LongCsvEvents.Events read(Path file, String project) throws IOException {
    List<SpecificRecord> events = new ArrayList<>();
    int rows = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        rows++;
        events.add(event(file, number, line, project));
      }
    }
    if (rows == 0) {
      throw new IllegalArgumentException(file + " has no events");
    }
    return new LongCsvEvents.Events(events, rows);
  }

  private static SpecificRecord event(Path file, int number, String line, String project) {
    String where = String.format(Locale.ROOT, "%s line %d: ", file, number);
    JsonNode json;
    try {
      json = AvroJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + "not JSON (" + e.getOriginalMessage() + ")");
    }
    if (!(json instanceof ObjectNode object)) {
      throw new IllegalArgumentException(where + "must be a JSON object: " + line);
    }
    JsonNode type = object.remove("type");
    Class<? extends SpecificRecord> target = type == null ? null : TYPES.get(type.asText());
    if (target == null) {
      throw new IllegalArgumentException(where + "type must be one of run, metric, eval: " + type);
    }
    if (!object.has("project")) {
      object.put("project", project);
    }
    try {
      return AvroJson.toSpecific(object, target);
    } catch (AvroJsonException e) {
      throw new IllegalArgumentException(where + e.getMessage());
    }
  }
}
