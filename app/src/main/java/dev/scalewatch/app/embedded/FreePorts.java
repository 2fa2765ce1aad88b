package dev.scalewatch.app.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Resolves a configured port of 0 to a port that is free right now. */
public final class FreePorts {

  private FreePorts() {}

  /**
   * Resolves several configured ports at once; the ports picked for zeros are distinct (each probe
   * socket stays open until all are picked, so the system cannot hand out one twice).
   */
  static int[] resolve(String host, int... configured) {
    java.util.List<ServerSocket> held = new java.util.ArrayList<>();
    try {
      int[] ports = new int[configured.length];
      for (int i = 0; i < configured.length; i++) {
        if (configured[i] != 0) {
          ports[i] = configured[i];
        } else {
          ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host));
          held.add(socket);
          ports[i] = socket.getLocalPort();
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the start that binds it will report the port
        }
      }
    }
  }

  public static int resolve(String host, int configured) {
    if (configured != 0) {
      return configured;
    }
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }
}
