package dev.scalewatch.app.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports that are free right now, for child processes that need fixed ports across restarts. */
public final class FreeTestPorts {

  private FreeTestPorts() {}

  /**
   * {@code count} distinct free ports on {@code host} (each probe stays open until all are picked).
   */
  public static int[] pick(String host, int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(host)));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + host, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // a port we could not release stays taken; the start will say which
        }
      }
    }
  }
}
