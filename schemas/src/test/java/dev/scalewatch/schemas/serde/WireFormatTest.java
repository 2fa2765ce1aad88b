package dev.scalewatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void shouldWriteMagicByteAndBigEndianId() {
    assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void shouldReadBackTheIdOfAHeader() {
    byte[] framed = new byte[] {0, 0, 0, 1, 44, 7, 7};

    assertThat(WireFormat.schemaId(framed)).isEqualTo(300);
    assertThat(WireFormat.schemaId(WireFormat.header(Integer.MAX_VALUE)))
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void shouldRefuseEmptyBytes() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty value");
  }

  @Test
  void shouldRefuseAWrongMagicByte() {
    assertThatThrownBy(() -> WireFormat.schemaId("{\"a\":1}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown magic byte 123 (expected 0)");
  }

  @Test
  void shouldRefuseBytesShorterThanTheHeader() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value of 3 bytes is shorter than the 5-byte wire-format header");
  }
}
