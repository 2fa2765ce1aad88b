package dev.scalewatch.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then Avro binary.
 * Stateless and thread-safe.
 */
public final class WireFormat {

  /** The first byte of every framed value. */
  public static final byte MAGIC_BYTE = 0;

  /** Bytes before the Avro payload: magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Returns the header for a schema id: {@code 0, id >>> 24, id >>> 16, id >>> 8, id}. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * Reads the schema id of framed bytes.
   *
   * @throws IllegalArgumentException saying why the bytes are not in the wire format (empty,
   *     shorter than the header, or a magic byte other than 0)
   */
  public static int schemaId(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException(
          "empty value: expected the Confluent wire format (magic byte 0, "
              + "4-byte schema id, Avro binary)");
    }
    if (bytes[0] != MAGIC_BYTE) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "unknown magic byte %d (expected %d): not the Confluent wire format; was it written by a plain Avro, "
                  + "JSON or string producer?",
              bytes[0],
              MAGIC_BYTE));
    }
    if (bytes.length < HEADER_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "value of %d bytes is shorter than the %d-byte wire-format header",
              bytes.length,
              HEADER_SIZE));
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }
}
