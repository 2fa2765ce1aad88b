package dev.scalewatch.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

  private static final Schema V1 =
      SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  private static final Schema V2_WITH_DEFAULT =
      SchemaBuilder.record("R")
          .fields()
          .requiredString("a")
          .name("b")
          .type()
          .intType()
          .intDefault(0)
          .endRecord();
  private static final Schema V3_DROPS_A =
      SchemaBuilder.record("R").fields().name("b").type().intType().intDefault(0).endRecord();

  @Test
  void shouldAcceptAFieldWithADefaultUnderFull() {
    assertThat(CompatibilityLevel.FULL.check(V2_WITH_DEFAULT, List.of(V1))).isEmpty();
  }

  @Test
  void shouldRefuseAFieldWithoutADefaultUnderBackward() {
    Schema noDefault =
        SchemaBuilder.record("R").fields().requiredString("a").requiredInt("b").endRecord();

    assertThat(CompatibilityLevel.BACKWARD.check(noDefault, List.of(V1)))
        .singleElement()
        .asString()
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(CompatibilityLevel.FORWARD.check(noDefault, List.of(V1))).isEmpty();
  }

  @Test
  void shouldCheckOnlyTheLatestVersionUnlessTransitive() {
    assertThat(CompatibilityLevel.FORWARD.check(V3_DROPS_A, List.of(V1, V2_WITH_DEFAULT)))
        .isNotEmpty();
    assertThat(CompatibilityLevel.BACKWARD.check(V3_DROPS_A, List.of(V1, V2_WITH_DEFAULT)))
        .isEmpty();
    assertThat(
            CompatibilityLevel.BACKWARD_TRANSITIVE.check(V3_DROPS_A, List.of(V1, V2_WITH_DEFAULT)))
        .isEmpty();
    Schema v4 =
        SchemaBuilder.record("R")
            .fields()
            .name("b")
            .type()
            .intType()
            .intDefault(0)
            .requiredString("c")
            .endRecord();
    assertThat(CompatibilityLevel.BACKWARD.check(v4, List.of(V3_DROPS_A))).isNotEmpty();
    assertThat(CompatibilityLevel.NONE.check(v4, List.of(V3_DROPS_A))).isEmpty();
  }

  @Test
  void shouldFindAnOldVersionBreakOnlyWhenTransitive() {
    Schema v2TypeChangeWithDefault =
        SchemaBuilder.record("R")
            .fields()
            .name("a")
            .type()
            .stringType()
            .stringDefault("x")
            .endRecord();
    Schema v3 =
        SchemaBuilder.record("R")
            .fields()
            .name("a")
            .type()
            .stringType()
            .stringDefault("x")
            .name("z")
            .type()
            .longType()
            .noDefault()
            .endRecord();
    // v3 adds a required field: incompatible with every earlier version, found by both
    assertThat(
            CompatibilityLevel.BACKWARD_TRANSITIVE.check(v3, List.of(V1, v2TypeChangeWithDefault)))
        .hasSize(2);
    assertThat(CompatibilityLevel.BACKWARD.check(v3, List.of(V1, v2TypeChangeWithDefault)))
        .hasSize(1);
  }

  @Test
  void shouldParseLevelsIgnoringCaseAndNameTheAcceptedOnes() {
    assertThat(CompatibilityLevel.parse("full_transitive"))
        .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid compatibility level 'SIDEWAYS'")
        .hasMessageContaining("BACKWARD_TRANSITIVE");
  }
}
