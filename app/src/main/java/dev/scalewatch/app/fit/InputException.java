package dev.scalewatch.app.fit;

/** Bad input to {@code scalewatch fit}: the message names the line, field and value. */
final class InputException extends Exception {

  private static final long serialVersionUID = 1L;

  InputException(String message) {
    super(message);
  }
}
