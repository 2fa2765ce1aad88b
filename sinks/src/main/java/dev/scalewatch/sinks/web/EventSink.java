package dev.scalewatch.sinks.web;

/** Where one subscriber's events go: an SSE connection, or a test's list. */
interface EventSink {

  /** Sends one event; may block while the client is slow. */
  void send(String event, String data);

  /** Sends a comment line that only keeps the connection alive. */
  void keepAlive();

  /** True once the client went away. */
  boolean isClosed();

  /** Ends the connection. */
  void close();
}
