package dev.scalewatch.sinks.route;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * One alert receiver: a name routes refer to, its type and where it listens. For Alertmanager the
 * url is the server's base ({@code http://am:9093}); alerts go to {@code <url>/api/v2/alerts}.
 *
 * @param name the receiver's name in routes: letters, digits, {@code _ . -}
 * @param type the payload it takes
 * @param url an http or https URL
 */
public record Receiver(String name, ReceiverType type, URI url) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  public Receiver {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "alert-receivers: a receiver name must be letters, digits, '_', '.' or '-': '"
              + name
              + "'");
    }
    if (type == null) {
      throw new IllegalArgumentException("alert-receivers: receiver " + name + " has no type");
    }
    if (url == null
        || url.getHost() == null
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
      throw new IllegalArgumentException(
          "alert-receivers: receiver "
              + name
              + " needs an http or https URL with a host: '"
              + url
              + "'");
    }
  }

  /** Where deliveries are posted. */
  public URI endpoint() {
    if (type != ReceiverType.ALERTMANAGER) {
      return url;
    }
    String base = url.toString().replaceAll("/+$", "");
    return URI.create(base + "/api/v2/alerts");
  }
}
