package dev.scalewatch.schemas.registry;

/**
 * Confluent Schema Registry {@code error_code} values, shared by the clients and the embedded
 * server.
 */
public final class ErrorCodes {
  /** Subject not found (HTTP 404). */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Version not found (HTTP 404). */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Schema not found (HTTP 404). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Subject was soft-deleted (HTTP 404). */
  public static final int SUBJECT_SOFT_DELETED = 40404;

  /** Subject not soft-deleted before a permanent delete (HTTP 404). */
  public static final int SUBJECT_NOT_SOFT_DELETED = 40405;

  /** Schema version not soft-deleted before a permanent delete (HTTP 404). */
  public static final int SCHEMA_VERSION_NOT_SOFT_DELETED = 40407;

  /** Subject compatibility level not configured (HTTP 404). */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** Incompatible schema (HTTP 409). */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Invalid schema (HTTP 422). */
  public static final int INVALID_SCHEMA = 42201;

  /** Invalid version (HTTP 422). */
  public static final int INVALID_VERSION = 42202;

  /** Invalid compatibility level (HTTP 422). */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Error in the backend data store (HTTP 500). */
  public static final int STORE_ERROR = 50001;

  private ErrorCodes() {}
}
