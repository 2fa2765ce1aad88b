package dev.scalewatch.sinks.api;

/** A query or path parameter of an API request that cannot be used; answered with 400. */
final class BadParameterException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String parameter;
  private final String value;

  BadParameterException(String parameter, String value, String message) {
    super(message);
    this.parameter = parameter;
    this.value = value;
  }

  String parameter() {
    return parameter;
  }

  String value() {
    return value;
  }
}
