package dev.scalewatch.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

  private static JsonNode json(String text) throws Exception {
    return AvroJson.MAPPER.readTree(text);
  }

  @Test
  void shouldFillUntaggedUnionsDefaultsAndIsoTimestamps() throws Exception {
    GenericRecord eval =
        AvroJson.toRecord(
            json(
                """
        {"project":"p","run_id":"r","step":5,"task":"t","metric":"acc","value":0.5,
         "stderr":0.01,"event_time":"2026-01-01T00:00:00Z"}"""),
            EvalResult.getClassSchema());

    assertThat(eval.get("stderr")).isEqualTo(0.01);
    assertThat(eval.get("shots")).isNull();
    assertThat(eval.get("event_time")).isEqualTo(1_767_225_600_000L);
  }

  @Test
  void shouldReadIntoGeneratedClassWithInstants() throws Exception {
    MetricPoint point =
        AvroJson.toSpecific(
            json(
                """
        {"project":"p","run_id":"r","step":7,"metric":"loss","value":"-Infinity",
         "event_time":"2026-01-01T00:00:00Z"}"""),
            MetricPoint.class);

    assertThat(point.getEventTime()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(point.getValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(point.getStep()).isEqualTo(7L);
  }

  @Test
  void shouldKeepNaNAndInfinityBothWays() throws Exception {
    GenericRecord point =
        AvroJson.toRecord(
            json(
                """
        {"project":"p","run_id":"r","step":5,"metric":"loss","value":"NaN","flops":"Infinity",
         "event_time":1}"""),
            MetricPoint.getClassSchema());

    assertThat((Double) point.get("value")).isNaN();
    JsonNode back = AvroJson.toJson(point);
    assertThat(back.get("value").asText()).isEqualTo("NaN");
    assertThat(back.get("flops").asText()).isEqualTo("Infinity");
    assertThat(back.get("split").asText()).isEqualTo("train");
  }

  @Test
  void shouldNameFieldAndValueOfWrongType() {
    assertThatThrownBy(
            () ->
                AvroJson.toRecord(
                    json(
                        """
        {"project":"p","run_id":"r","step":"ten","metric":"loss","value":1,"event_time":1}"""),
                    MetricPoint.getClassSchema()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MetricPoint.step must be an integer: \"ten\"");
  }

  @Test
  void shouldNameMissingRequiredField() {
    assertThatThrownBy(
            () ->
                AvroJson.toRecord(
                    json(
                        """
        {"project":"p","step":1,"metric":"loss","value":1,"event_time":1}"""),
                    MetricPoint.getClassSchema()))
        .hasMessageStartingWith("MetricPoint.run_id is required");
  }

  @Test
  void shouldRejectUnknownFieldListingTheKnownOnes() {
    assertThatThrownBy(
            () ->
                AvroJson.toRecord(
                    json(
                        """
        {"project":"p","run_id":"r","step":1,"metric":"loss","value":1,"event_time":1,"lr":3e-4}"""),
                    MetricPoint.getClassSchema()))
        .hasMessageContaining("MetricPoint.lr is not a field of MetricPoint");
  }

  @Test
  void shouldRefuseNumberOutOfDoubleRangeInsteadOfMakingItInfinite() throws Exception {
    assertThatThrownBy(
            () ->
                AvroJson.toRecord(
                    json(
                        """
        {"project":"p","run_id":"r","step":5,"metric":"loss","value":1e309,"event_time":1}"""),
                    MetricPoint.getClassSchema()))
        .isInstanceOf(AvroJsonException.class)
        .hasMessage(
            "MetricPoint.value must be a number within the range of a double (at most"
                + " 1.7976931348623157E308 in magnitude): 1E+309 is out of range (write"
                + " \"Infinity\" or \"-Infinity\" for an infinite value)");
    GenericRecord ok =
        AvroJson.toRecord(
            json(
                """
        {"project":"p","run_id":"r","step":5,"metric":"loss","value":0.1,"event_time":1}"""),
            MetricPoint.getClassSchema());
    assertThat(ok.get("value")).isEqualTo(0.1);
  }

  @Test
  void shouldRefuseInstantBeyondEpochMillisecondsWithTheField() throws Exception {
    assertThatThrownBy(
            () ->
                AvroJson.toRecord(
                    json(
                        """
        {"project":"p","run_id":"r","step":5,"metric":"loss","value":1,
         "event_time":"+999999999-01-01T00:00:00Z"}"""),
                    MetricPoint.getClassSchema()))
        .isInstanceOf(AvroJsonException.class)
        .hasMessageStartingWith(
            "MetricPoint.event_time must be an instant that fits epoch milliseconds")
        .hasMessageEndingWith(": \"+999999999-01-01T00:00:00Z\"");
  }

  @Test
  void shouldRefuseDuplicateKeysNamingTheKey() {
    assertThatThrownBy(() -> json("{\"project\":\"beta\",\"project\":\"alpha\"}"))
        .hasMessageContaining("Duplicate field 'project'");
  }
}
