package dev.scalewatch.registry;

/** Avro schema texts for the registry tests. */
final class Schemas {

  /** A record with one string field. */
  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\","
          + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";

  /** V1 plus a field with a default: BACKWARD compatible. */
  static final String V2 =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\","
          + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";

  /** V1 plus a field without a default: not BACKWARD compatible. */
  static final String INCOMPATIBLE =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"test\","
          + "\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"c\",\"type\":\"long\"}]}";

  private Schemas() {}
}
