package dev.scalewatch.app.embedded;

/**
 * The stack does not start for a reason the user can fix (a port in use, a data directory in use);
 * the message says what and how, and the command line prints it as one line without a trace.
 */
public final class StartRefusedException extends RuntimeException {

  public StartRefusedException(String message) {
    super(message);
  }
}
