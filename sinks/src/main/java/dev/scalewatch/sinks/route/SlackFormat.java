package dev.scalewatch.sinks.route;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * A Slack incoming-webhook message: {@code text} (the notification line) and {@code blocks} (a
 * header section, the evidence as context, the dashboard link). Slack's mrkdwn control characters
 * {@code & < >} in alert text are escaped; the evidence is cut to fit a block's 3,000 characters.
 */
final class SlackFormat implements PayloadFormat {

  private static final int BLOCK_TEXT_LIMIT = 2900;

  @Override
  public byte[] body(Alert alert, String link, Instant now) {
    boolean firing = alert.getState() == AlertState.FIRING;
    String what =
        String.format(
            Locale.ROOT,
            "%s %s (%s) in %s",
            firing ? "FIRING" : "RESOLVED",
            alert.getKind(),
            alert.getSeverity().name().toLowerCase(Locale.ROOT),
            subject(alert));
    ObjectNode body = JSON.createObjectNode();
    body.put("text", escape(what + ": " + alert.getSummary()));
    ArrayNode blocks = body.putArray("blocks");
    blocks.add(
        section(
            (firing ? ":rotating_light: *" : ":white_check_mark: *")
                + escape(what)
                + "*\n"
                + escape(alert.getSummary())));
    if (alert.getEvidence() != null) {
      ObjectNode context = blocks.addObject().put("type", "context");
      context
          .putArray("elements")
          .addObject()
          .put("type", "mrkdwn")
          .put("text", cut(escape(alert.getEvidence())));
    }
    blocks.add(section("<" + link + "|Open in ScaleWatch>  ·  id `" + escape(alert.getId()) + "`"));
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String subject(Alert alert) {
    if (alert.getRunId() != null) {
      return alert.getProject() + " run " + alert.getRunId();
    }
    if (alert.getTask() != null) {
      return alert.getProject() + " task " + alert.getTask();
    }
    return alert.getProject();
  }

  private static ObjectNode section(String mrkdwn) {
    ObjectNode section = JSON.createObjectNode().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", cut(mrkdwn));
    return section;
  }

  private static String cut(String text) {
    return text.length() <= BLOCK_TEXT_LIMIT ? text : text.substring(0, BLOCK_TEXT_LIMIT) + "…";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
