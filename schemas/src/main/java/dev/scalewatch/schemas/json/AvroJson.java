package dev.scalewatch.schemas.json;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Converts between Avro generic data and plain JSON, the way people write JSON by hand.
 *
 * <p>Unlike Avro's own JSON encoding, unions are not tagged: {@code {"stderr": 0.01}} fills a
 * {@code ["null","double"]} field. Doubles accept the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"} (and are written that way, since JSON has no such numbers), because NaN loss
 * is data. Timestamps accept epoch milliseconds or an ISO-8601 instant. A value that does not fit
 * raises {@link IllegalArgumentException} naming the field path, the value and the type expected,
 * as an {@link AvroJsonException} that also carries the path: among them a number literal out of a
 * double's range ({@code 1e309}, which would otherwise become infinity) and an instant outside
 * epoch milliseconds ({@code +999999999-01-01T00:00:00Z}). {@link #MAPPER} rejects duplicate keys.
 * Stateless and thread-safe.
 */
public final class AvroJson {

  /**
   * Strict JSON: a key repeated in one object is an error naming the key ({@code Duplicate field
   * 'project'}) instead of the last one silently winning. Fractions are read as decimals, so that a
   * literal out of a double's range ({@code 1e309}) can be refused with its own text instead of
   * turning into infinity.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  /** Reads a JSON object into a record of {@code schema}; missing fields take their defaults. */
  public static GenericRecord toRecord(JsonNode json, Schema schema) {
    return (GenericRecord) toAvro(json, schema, schema.getName());
  }

  /**
   * Reads a JSON object into a generated class (timestamps become {@code Instant}s as the class
   * expects); same rules and errors as {@link #toRecord}.
   */
  public static <T extends SpecificRecord> T toSpecific(JsonNode json, Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    GenericRecord generic = toRecord(json, schema);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      new GenericDatumWriter<GenericRecord>(schema).write(generic, encoder);
      encoder.flush();
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
      return new SpecificDatumReader<T>(type).read(null, decoder);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "in-memory Avro round trip of " + schema.getName() + " failed", e);
    }
  }

  /** Writes any Avro generic value (record, map, array, primitive) as a JSON tree. */
  public static JsonNode toJson(Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof GenericRecord record) {
      ObjectNode node = NODES.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        node.set(field.name(), toJson(record.get(field.pos())));
      }
      return node;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = NODES.objectNode();
      map.forEach((k, v) -> node.set(String.valueOf(k), toJson(v)));
      return node;
    }
    if (value instanceof Iterable<?> items) {
      ArrayNode node = NODES.arrayNode();
      items.forEach(item -> node.add(toJson(item)));
      return node;
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? NODES.textNode(d.toString()) : NODES.numberNode(d);
    }
    if (value instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? NODES.textNode(f.toString()) : NODES.numberNode(f);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof GenericData.Fixed fixed) {
      return NODES.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
    }
    if (value instanceof Instant instant) {
      return NODES.numberNode(instant.toEpochMilli());
    }
    return NODES.textNode(value.toString());
  }

  private static Object toAvro(JsonNode json, Schema schema, String path) {
    switch (schema.getType()) {
      case RECORD:
        return record(json, schema, path);
      case UNION:
        return union(json, schema, path);
      case NULL:
        if (json == null || json.isNull()) {
          return null;
        }
        throw mismatch(path, json, "null");
      case STRING:
        if (json != null && json.isTextual()) {
          return json.textValue();
        }
        throw mismatch(path, json, "a string");
      case BOOLEAN:
        if (json != null && json.isBoolean()) {
          return json.booleanValue();
        }
        throw mismatch(path, json, "true or false");
      case INT:
        if (json != null && json.canConvertToInt() && json.isIntegralNumber()) {
          return json.intValue();
        }
        throw mismatch(path, json, "an integer");
      case LONG:
        return longValue(json, schema, path);
      case DOUBLE:
        return doubleValue(json, path);
      case FLOAT:
        return (float) doubleValue(json, path);
      case ENUM:
        if (json != null && json.isTextual() && schema.hasEnumSymbol(json.textValue())) {
          return new GenericData.EnumSymbol(schema, json.textValue());
        }
        throw mismatch(path, json, "one of " + schema.getEnumSymbols());
      case ARRAY:
        if (json != null && json.isArray()) {
          List<Object> items = new ArrayList<>();
          for (int i = 0; i < json.size(); i++) {
            items.add(toAvro(json.get(i), schema.getElementType(), path + "[" + i + "]"));
          }
          return new GenericData.Array<>(schema, items);
        }
        throw mismatch(path, json, "an array");
      case MAP:
        if (json != null && json.isObject()) {
          Map<String, Object> map = new LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            map.put(
                entry.getKey(),
                toAvro(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
          }
          return map;
        }
        throw mismatch(path, json, "an object");
      case BYTES:
        if (json != null && json.isTextual()) {
          return ByteBuffer.wrap(Base64.getDecoder().decode(json.textValue()));
        }
        throw mismatch(path, json, "base64 text");
      default:
        throw new AvroJsonException(
            path, path + ": Avro type " + schema.getType() + " is not supported in JSON input");
    }
  }

  private static GenericRecord record(JsonNode json, Schema schema, String path) {
    if (json == null || !json.isObject()) {
      throw mismatch(path, json, "an object (" + schema.getName() + ")");
    }
    GenericData.Record record = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      String fieldPath = path + "." + field.name();
      JsonNode value = json.get(field.name());
      if (value == null) {
        if (!field.hasDefaultValue()) {
          throw new AvroJsonException(fieldPath, fieldPath + " is required (" + field.doc() + ")");
        }
        record.put(field.pos(), GenericData.get().getDefaultValue(field));
      } else {
        record.put(field.pos(), toAvro(value, field.schema(), fieldPath));
      }
    }
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (schema.getField(name) == null) {
        throw new AvroJsonException(
            path + "." + name,
            path
                + "."
                + name
                + " is not a field of "
                + schema.getName()
                + " (fields: "
                + schema.getFields().stream().map(Schema.Field::name).toList()
                + ")");
      }
    }
    return record;
  }

  private static Object union(JsonNode json, Schema schema, String path) {
    List<String> expected = new ArrayList<>();
    for (Schema branch : schema.getTypes()) {
      try {
        return toAvro(json, branch, path);
      } catch (AvroJsonException e) {
        expected.add(
            branch.getType() == Schema.Type.RECORD ? branch.getName() : branch.getType().getName());
      }
    }
    throw mismatch(path, json, "one of " + expected);
  }

  private static long longValue(JsonNode json, Schema schema, String path) {
    if (json != null && json.isIntegralNumber() && json.canConvertToLong()) {
      return json.longValue();
    }
    boolean timestamp = schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    if (timestamp && json != null && json.isTextual()) {
      Instant instant;
      try {
        instant = Instant.parse(json.textValue());
      } catch (DateTimeParseException e) {
        throw mismatch(
            path, json, "epoch milliseconds or an ISO-8601 instant like 2026-01-01T00:00:00Z");
      }
      try {
        return instant.toEpochMilli();
      } catch (ArithmeticException e) {
        throw mismatch(
            path,
            json,
            "an instant that fits epoch milliseconds (years -292275055 to 292278994), like"
                + " 2026-01-01T00:00:00Z");
      }
    }
    throw mismatch(
        path, json, timestamp ? "epoch milliseconds or an ISO-8601 instant" : "an integer");
  }

  private static double doubleValue(JsonNode json, String path) {
    if (json != null && json.isNumber()) {
      double value = json.doubleValue();
      if (!Double.isFinite(value)) {
        // a literal like 1e309: JSON has no infinity, so this is a number out of range, not one
        throw new AvroJsonException(
            path,
            path
                + " must be a number within the range of a double (at most 1.7976931348623157E308"
                + " in magnitude): "
                + abbreviate(json.asText())
                + " is out of range (write \"Infinity\" or \"-Infinity\" for an infinite"
                + " value)");
      }
      return value;
    }
    if (json != null && json.isTextual()) {
      switch (json.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw mismatch(path, json, "a number (or \"NaN\", \"Infinity\", \"-Infinity\")");
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private static AvroJsonException mismatch(String path, JsonNode json, String expected) {
    String shown = json == null ? "missing" : json.toString();
    if (shown.length() > 80) {
      shown = shown.substring(0, 77) + "...";
    }
    return new AvroJsonException(path, path + " must be " + expected + ": " + shown);
  }
}
