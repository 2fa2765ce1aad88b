package dev.scalewatch.ingest.normalize;

/**
 * A raw record cannot become a normalized event; the reason goes into its dead letter. Flow control
 * inside the normalizer, never thrown out of it.
 */
final class Rejected extends Exception {

  private static final long serialVersionUID = 1L;

  Rejected(String reason) {
    super(reason, null, false, false);
  }

  /** Returns the reason for the dead letter. */
  String reason() {
    return getMessage();
  }
}
