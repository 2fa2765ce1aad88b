package dev.scalewatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scalewatch.schemas.MetricPoint;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {

  private static final String SCOPE = "in-memory-client-test";
  private final SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + SCOPE);

  @AfterEach
  void dropScope() {
    SchemaRegistryClients.dropMockScope(SCOPE);
  }

  @Test
  void shouldShareOneRegistryPerScope() {
    int id = registry.register("a-value", MetricPoint.getClassSchema());

    assertThat(SchemaRegistryClients.forUrl("mock://" + SCOPE).schemaById(id))
        .isEqualTo(MetricPoint.getClassSchema());
    assertThat(SchemaRegistryClients.forUrl("mock://other-scope").subjects()).isEmpty();
  }

  @Test
  void shouldReuseTheIdOfAnIdenticalSchemaAcrossSubjects() {
    int first = registry.register("a-value", MetricPoint.getClassSchema());

    assertThat(registry.register("a-value", MetricPoint.getClassSchema())).isEqualTo(first);
    assertThat(registry.register("b-value", MetricPoint.getClassSchema())).isEqualTo(first);
    assertThat(registry.latest("a-value").version()).isEqualTo(1);
  }

  @Test
  void shouldRefuseIncompatibleSchemaWith409() {
    registry.register("s", record(SchemaBuilder.record("R").fields().requiredString("a")));
    Schema incompatible =
        record(SchemaBuilder.record("R").fields().requiredString("a").requiredInt("b"));

    assertThat(registry.isCompatible("s", incompatible)).isFalse();
    assertThatThrownBy(() -> registry.register("s", incompatible))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.registryMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
            });
  }

  @Test
  void shouldAnswer40401ForAnUnknownSubject() {
    assertThatThrownBy(() -> registry.latest("nope"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
  }

  @Test
  void shouldRefuseAUrlThatIsNeitherHttpNorMock() {
    assertThatThrownBy(() -> SchemaRegistryClients.forUrl("localhost:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "schema.registry.url must be http(s)://host:port or mock://scope, was 'localhost:8081'");
  }

  private static Schema record(SchemaBuilder.FieldAssembler<Schema> fields) {
    return fields.endRecord();
  }
}
