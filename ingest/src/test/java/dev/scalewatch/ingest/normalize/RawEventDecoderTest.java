package dev.scalewatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.RegisteredSchema;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import dev.scalewatch.schemas.serde.AvroSerdeException;
import dev.scalewatch.schemas.serde.WireFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class RawEventDecoderTest {

  private static final byte[] FRAMED = {0, 0, 0, 0, 7, 2};

  @Test
  void shouldPropagateUnreachableRegistrySoTheRecordIsRetriedNotDeadLettered() {
    RawEventDecoder decoder =
        new RawEventDecoder(
            new FailingRegistry(
                new SchemaRegistryException(
                    SchemaRegistryException.UNREACHABLE,
                    SchemaRegistryException.UNREACHABLE,
                    "connection refused")));

    assertThatThrownBy(() -> decoder.decode(Topics.RAW, 0, 5L, FRAMED))
        .isInstanceOf(AvroSerdeException.class)
        .hasMessageContaining("cannot fetch writer schema id 7");
  }

  @Test
  void shouldRejectUnknownSchemaIdAsPermanent() {
    RawEventDecoder decoder =
        new RawEventDecoder(
            new FailingRegistry(
                new SchemaRegistryException(
                    404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema 7 not found")));

    assertThatThrownBy(() -> decoder.decode(Topics.RAW, 0, 5L, FRAMED))
        .isInstanceOf(Rejected.class)
        .hasMessageStartingWith("unknown schema id 7");
  }

  @Test
  void shouldRejectBytesWithoutTheWireFormatHeaderBeforeAskingTheRegistry() {
    RawEventDecoder decoder =
        new RawEventDecoder(
            new FailingRegistry(
                new SchemaRegistryException(
                    SchemaRegistryException.UNREACHABLE,
                    SchemaRegistryException.UNREACHABLE,
                    "must not be called")));

    assertThatThrownBy(
            () -> decoder.decode(Topics.RAW, 0, 5L, new byte[] {WireFormat.MAGIC_BYTE, 1}))
        .isInstanceOf(Rejected.class)
        .hasMessageContaining("shorter than the 5-byte wire-format header");
  }

  /** A registry whose every call fails with the given error. */
  private record FailingRegistry(SchemaRegistryException error) implements SchemaRegistryClient {
    @Override
    public int register(String subject, Schema schema) {
      throw error;
    }

    @Override
    public int idOf(String subject, Schema schema) {
      throw error;
    }

    @Override
    public Schema schemaById(int id) {
      throw error;
    }

    @Override
    public RegisteredSchema latest(String subject) {
      throw error;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      throw error;
    }

    @Override
    public List<String> subjects() {
      throw error;
    }
  }
}
