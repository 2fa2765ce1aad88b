package dev.scalewatch.sinks.route;

import dev.scalewatch.schemas.Alert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where an alert's evidence is shown on the dashboard, in the page addresses the dashboard itself
 * uses: {@code <base>/#/run/<project>/<run_id>?metric=<metric>} for an alert about a run, {@code
 * <base>/#/task/<project>/<task>?key=<fit key>} for one about a sweep task, else {@code
 * <base>/#/alerts}; each also with {@code alert=<id>}. Every part is percent-encoded (a space as
 * {@code %20}). Stateless.
 */
public final class DashboardLinks {

  private DashboardLinks() {}

  /** The link to the page that shows the alert, under the dashboard's base URL. */
  public static String forAlert(String baseUrl, Alert alert) {
    String base = baseUrl.replaceAll("/+$", "");
    StringBuilder page = new StringBuilder();
    if (alert.getRunId() != null) {
      page.append("run/").append(encode(alert.getProject())).append('/');
      page.append(encode(alert.getRunId())).append(query("metric", alert.getMetric()));
    } else if (alert.getTask() != null) {
      page.append("task/").append(encode(alert.getProject())).append('/');
      page.append(encode(alert.getTask())).append(query("key", alert.getFitKey()));
    } else {
      page.append("alerts?");
    }
    return base + "/#/" + page + "alert=" + encode(alert.getId());
  }

  /** {@code ?name=value&}, or {@code ?} alone when there is no value. */
  private static String query(String name, String value) {
    return value == null ? "?" : "?" + name + "=" + encode(value) + "&";
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
