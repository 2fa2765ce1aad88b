package dev.scalewatch.sinks.route;

import dev.scalewatch.schemas.Alert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where an alert's evidence is shown on the dashboard: {@code <base>/#/runs/<project>/<run_id>} for
 * an alert about a run, {@code <base>/#/tasks/<project>/<task>} for one about a sweep task, else
 * {@code <base>/#/alerts}; each with {@code ?alert=<id>}. Every part is percent-encoded (a space as
 * {@code %20}). Stateless.
 */
public final class DashboardLinks {

  private DashboardLinks() {}

  /** The link to the page that shows the alert, under the dashboard's base URL. */
  public static String forAlert(String baseUrl, Alert alert) {
    String base = baseUrl.replaceAll("/+$", "");
    String page;
    if (alert.getRunId() != null) {
      page = "runs/" + encode(alert.getProject()) + "/" + encode(alert.getRunId());
    } else if (alert.getTask() != null) {
      page = "tasks/" + encode(alert.getProject()) + "/" + encode(alert.getTask());
    } else {
      page = "alerts";
    }
    return base + "/#/" + page + "?alert=" + encode(alert.getId());
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
