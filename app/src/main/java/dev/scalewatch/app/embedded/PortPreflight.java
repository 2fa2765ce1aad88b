package dev.scalewatch.app.embedded;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Checks before anything starts that every configured port can be bound on the host, so a port in
 * use is one line naming the port and its flag instead of a component's stack trace.
 */
public final class PortPreflight {

  private PortPreflight() {}

  /**
   * @param portsByFlag the configured ports by the flag that sets them ({@code --kafka-port}); 0 (a
   *     free port, picked later) is skipped
   * @throws StartRefusedException naming the first port that cannot be bound
   */
  public static void requireFree(String host, Map<String, Integer> portsByFlag) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new StartRefusedException(
          "--host " + host + " is not an address of this machine: " + e.getMessage());
    }
    try (ServerSocket socket = new ServerSocket(0, 1, address)) {
      // the host itself can be bound; what fails below is the port
    } catch (IOException e) {
      throw new StartRefusedException(
          "cannot listen on --host "
              + host
              + " ("
              + e.getMessage()
              + "): give an address of this"
              + " machine, e.g. 127.0.0.1");
    }
    for (Map.Entry<String, Integer> entry : portsByFlag.entrySet()) {
      int port = entry.getValue();
      if (port == 0) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port));
      } catch (BindException e) {
        throw new StartRefusedException(
            String.format(
                "port %d on %s is in use (%s): stop what uses it, or give %s another port (0"
                    + " picks a free one)",
                port, host, entry.getKey(), entry.getKey()));
      } catch (IOException e) {
        throw new StartRefusedException(
            "cannot bind " + host + ":" + port + " (" + entry.getKey() + "): " + e.getMessage());
      }
    }
  }
}
