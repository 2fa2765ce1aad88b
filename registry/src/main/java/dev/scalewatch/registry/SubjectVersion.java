package dev.scalewatch.registry;

/**
 * One version of a schema under a subject, as stored. Immutable and thread-safe.
 *
 * @param subject the subject
 * @param version the version within the subject, from 1
 * @param id the global schema id
 * @param schema the canonical Avro schema text
 * @param deleted whether the version is soft-deleted
 */
record SubjectVersion(String subject, int version, int id, String schema, boolean deleted) {

  SubjectVersion softDeleted() {
    return new SubjectVersion(subject, version, id, schema, true);
  }
}
