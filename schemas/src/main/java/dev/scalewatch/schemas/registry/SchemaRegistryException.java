package dev.scalewatch.schemas.registry;

import java.util.Locale;

/**
 * A schema registry refused a request or could not be reached.
 *
 * <p>Carries the HTTP status, Confluent's {@code error_code} (e.g. 40401 subject not found, 40403
 * schema not found, 409 incompatible, 42201 invalid schema) and the registry's message. Transport
 * failures have status and error code {@link #UNREACHABLE}.
 */
public class SchemaRegistryException extends RuntimeException {

  /** Status and error code of a request that got no answer (connection refused, timeout). */
  public static final int UNREACHABLE = -1;

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;
  private final String registryMessage;

  /** Creates an exception for an error answer of the registry. */
  public SchemaRegistryException(int status, int errorCode, String registryMessage) {
    this(status, errorCode, registryMessage, null);
  }

  /** Creates an exception for an error answer or a transport failure with its cause. */
  public SchemaRegistryException(
      int status, int errorCode, String registryMessage, Throwable cause) {
    super(
        String.format(
            Locale.ROOT,
            "schema registry error %d (HTTP %d): %s",
            errorCode,
            status,
            registryMessage),
        cause);
    this.status = status;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
  }

  /**
   * Whether the registry could not answer (unreachable, or a 5xx): worth retrying, a 4xx is not.
   */
  public boolean isTransient() {
    return status == UNREACHABLE || status >= 500;
  }

  /** Returns the HTTP status, or {@link #UNREACHABLE}. */
  public int status() {
    return status;
  }

  /** Returns Confluent's {@code error_code}, or the HTTP status when the body had none. */
  public int errorCode() {
    return errorCode;
  }

  /** Returns the registry's {@code message} as sent. */
  public String registryMessage() {
    return registryMessage;
  }
}
