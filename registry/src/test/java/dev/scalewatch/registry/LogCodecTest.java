package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.registry.CompatibilityLevel;
import org.junit.jupiter.api.Test;

/** The _schemas record format, as Confluent Schema Registry writes it. */
class LogCodecTest {

  @Test
  void shouldWriteSchemaRecordsInConfluentsFormat() {
    LogRecord record = LogCodec.put(new SubjectVersion("m-value", 2, 7, "\"string\"", false));

    assertThat(record.key())
        .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"m-value\",\"version\":2,\"magic\":1}");
    assertThat(record.value())
        .isEqualTo(
            "{\"subject\":\"m-value\",\"version\":2,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}");
    assertThat(LogCodec.remove("m-value", 2)).isEqualTo(new LogRecord(record.key(), null));
  }

  @Test
  void shouldWriteConfigRecordsWithANullSubjectForTheGlobalLevel() {
    assertThat(LogCodec.config(null, CompatibilityLevel.FULL))
        .isEqualTo(
            new LogRecord(
                "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}",
                "{\"compatibilityLevel\":\"FULL\"}"));
    assertThat(LogCodec.config("m-value", null).value()).isNull();
  }

  @Test
  void shouldReadBackWhatItWrites() {
    SubjectVersion version = new SubjectVersion("m-value", 3, 9, "\"long\"", true);

    assertThat(LogCodec.decode(LogCodec.put(version))).isEqualTo(new LogCodec.SchemaPut(version));
    assertThat(LogCodec.decode(LogCodec.remove("m-value", 3)))
        .isEqualTo(new LogCodec.SchemaRemoved("m-value", 3));
    assertThat(LogCodec.decode(LogCodec.config("m-value", CompatibilityLevel.NONE)))
        .isEqualTo(new LogCodec.ConfigSet("m-value", CompatibilityLevel.NONE));
    assertThat(LogCodec.decode(LogCodec.config(null, null)))
        .isEqualTo(new LogCodec.ConfigSet(null, null));
  }

  @Test
  void shouldIgnoreOtherKeyTypesAndMalformedRecords() {
    assertThat(LogCodec.decode(new LogRecord("{\"keytype\":\"NOOP\",\"magic\":0}", null)))
        .isInstanceOf(LogCodec.Ignored.class);
    assertThat(LogCodec.decode(new LogRecord("not json", "{}")))
        .isInstanceOf(LogCodec.Ignored.class);
    assertThat(
            LogCodec.decode(
                new LogRecord(
                    "{\"keytype\":\"CONFIG\",\"subject\":\"s\"}",
                    "{\"compatibilityLevel\":\"SIDEWAYS\"}")))
        .isInstanceOf(LogCodec.Ignored.class);
  }
}
