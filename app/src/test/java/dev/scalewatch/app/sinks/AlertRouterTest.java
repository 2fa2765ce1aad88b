package dev.scalewatch.app.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scalewatch.app.testing.FreeTestPorts;
import dev.scalewatch.app.testing.LocalReceiver;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.sinks.route.AlertRouter;
import dev.scalewatch.sinks.route.Receiver;
import dev.scalewatch.sinks.route.ReceiverType;
import dev.scalewatch.sinks.route.RoutingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Delivery to real HTTP receivers on loopback: the payload of each receiver type, re-sends to
 * Alertmanager while an alert fires and its end on resolve, retries until a receiver that was down
 * comes up, and a hanging receiver that delays nobody else.
 */
class AlertRouterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String DASHBOARD = "http://127.0.0.1:8080";
  private static final Instant STARTED = Instant.parse("2026-01-01T00:00:00Z");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void shouldPostEachReceiverItsOwnPayload() throws Exception {
    try (LocalReceiver hook = LocalReceiver.start();
        LocalReceiver slack = LocalReceiver.start();
        LocalReceiver am = LocalReceiver.start();
        AlertRouter router =
            AlertRouter.start(
                config(
                    List.of(
                        new Receiver("hook", ReceiverType.WEBHOOK, hook.url()),
                        new Receiver("chat", ReceiverType.SLACK, slack.url()),
                        new Receiver("am", ReceiverType.ALERTMANAGER, am.url())),
                    Map.of("*", List.of("hook", "chat", "am")),
                    Duration.ofMinutes(5)),
                DASHBOARD,
                meters)) {
      router.route(spike(AlertState.FIRING));

      JsonNode webhook = hook.next(WAIT).body();
      assertThat(webhook.path("status").asText()).isEqualTo("firing");
      assertThat(webhook.path("link").asText())
          .isEqualTo(
              DASHBOARD
                  + "/#/run/sweep%207/r1?metric=train%2Floss&alert=spike%2Fsweep%207%2Fr1%2F40");
      assertThat(webhook.path("alert").path("id").asText()).isEqualTo("spike/sweep 7/r1/40");
      assertThat(webhook.path("alert").path("kind").asText()).isEqualTo("LOSS_SPIKE");
      assertThat(webhook.path("alert").path("starts_at").asLong())
          .isEqualTo(STARTED.toEpochMilli());
      assertThat(webhook.path("alert").path("labels").path("run_id").asText()).isEqualTo("r1");

      LocalReceiver.Post slackPost = slack.next(WAIT);
      assertThat(slackPost.contentType()).isEqualTo("application/json");
      JsonNode message = slackPost.body();
      assertThat(message.path("text").asText())
          .isEqualTo("FIRING LOSS_SPIKE (warning) in sweep 7 run r1: loss &lt;x&gt; spiked 3.1x");
      assertThat(message.path("blocks").get(0).path("type").asText()).isEqualTo("section");
      assertThat(message.path("blocks").get(0).path("text").path("type").asText())
          .isEqualTo("mrkdwn");
      assertThat(message.path("blocks").get(1).path("type").asText()).isEqualTo("context");
      assertThat(message.path("blocks").get(2).path("text").path("text").asText())
          .startsWith("<" + DASHBOARD + "/#/run/");

      LocalReceiver.Post amPost = am.next(WAIT);
      assertThat(amPost.path()).isEqualTo("/api/v2/alerts");
      assertThat(amPost.body().isArray()).isTrue();
      JsonNode postable = amPost.body().get(0);
      assertThat(postable.path("labels").path("alertname").asText())
          .isEqualTo("scalewatch_loss_spike");
      assertThat(postable.path("labels").path("severity").asText()).isEqualTo("warning");
      assertThat(postable.path("labels").path("project").asText()).isEqualTo("sweep 7");
      assertThat(postable.path("labels").path("alert_id").asText())
          .isEqualTo("spike/sweep 7/r1/40");
      assertThat(postable.path("labels").path("train_loss").asText()).isEqualTo("yes");
      assertThat(postable.path("annotations").path("summary").asText())
          .isEqualTo("loss <x> spiked 3.1x");
      assertThat(postable.path("annotations").path("description").asText())
          .isEqualTo("steps 40-42 at 3.1x the baseline 2.0");
      assertThat(postable.path("startsAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(Instant.parse(postable.path("endsAt").asText()))
          .isAfter(Instant.now().plus(Duration.ofMinutes(19)));
      assertThat(postable.path("generatorURL").asText()).startsWith(DASHBOARD + "/#/run/");
      await(router::idle);
      assertThat(count("hook", "delivered")).isEqualTo(1);
      assertThat(count("chat", "delivered")).isEqualTo(1);
      assertThat(count("am", "delivered")).isEqualTo(1);
    }
  }

  @Test
  void shouldResendToAlertmanagerWhileFiringAndEndItOnResolve() throws Exception {
    try (LocalReceiver am = LocalReceiver.start();
        LocalReceiver hook = LocalReceiver.start();
        AlertRouter router =
            AlertRouter.start(
                config(
                    List.of(
                        new Receiver("am", ReceiverType.ALERTMANAGER, am.url()),
                        new Receiver("hook", ReceiverType.WEBHOOK, hook.url())),
                    Map.of("*", List.of("am", "hook")),
                    Duration.ofMillis(200)),
                DASHBOARD,
                meters)) {
      router.route(spike(AlertState.FIRING));
      for (int i = 0; i < 3; i++) {
        JsonNode postable = am.next(WAIT).body().get(0);
        assertThat(postable.path("labels").path("alert_id").asText())
            .isEqualTo("spike/sweep 7/r1/40");
        assertThat(Instant.parse(postable.path("endsAt").asText())).isAfter(Instant.now());
      }
      Instant ended = STARTED.plusSeconds(90); // StackClients.alert's end
      router.route(spike(AlertState.RESOLVED));
      JsonNode resolved = lastUntilState(am, ended);
      assertThat(resolved.path("startsAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(router.firingCount()).isZero();
      // Once resolved, no more re-sends.
      await(router::idle);
      am.drain();
      assertThat(am.poll(Duration.ofMillis(600))).isNull();
      // The webhook hears of each state once: re-sends are for Alertmanager.
      assertThat(hook.next(WAIT).body().path("status").asText()).isEqualTo("firing");
      assertThat(hook.next(WAIT).body().path("status").asText()).isEqualTo("resolved");
      assertThat(hook.poll(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void shouldDeliverOnceAReceiverThatWasDownComesUp() throws Exception {
    int port = FreeTestPorts.pick("127.0.0.1", 1)[0];
    RoutingConfig config =
        config(
            List.of(
                new Receiver("hook", ReceiverType.WEBHOOK, URI.create("http://127.0.0.1:" + port))),
            Map.of("sweep 7", List.of("hook")),
            Duration.ofMinutes(5));
    try (AlertRouter router = AlertRouter.start(config, DASHBOARD, meters)) {
      router.route(spike(AlertState.FIRING));
      await(() -> count("hook", "failed") >= 3);
      try (LocalReceiver hook = LocalReceiver.startOn(port)) {
        JsonNode body = hook.next(WAIT).body();
        assertThat(body.path("alert").path("id").asText()).isEqualTo("spike/sweep 7/r1/40");
        await(() -> count("hook", "delivered") == 1);
        assertThat(hook.poll(Duration.ofMillis(300))).isNull();
      }
    }
  }

  @Test
  void shouldServeOtherReceiversWhileOneHangsAndDropTheOldestWhenItsQueueIsFull() throws Exception {
    try (LocalReceiver stuck = LocalReceiver.start().hanging();
        LocalReceiver hook = LocalReceiver.start();
        AlertRouter router =
            AlertRouter.start(
                new RoutingConfig(
                    List.of(
                        new Receiver("stuck", ReceiverType.WEBHOOK, stuck.url()),
                        new Receiver("hook", ReceiverType.WEBHOOK, hook.url())),
                    Map.of("*", List.of("stuck", "hook")),
                    Duration.ofMinutes(5),
                    2,
                    Duration.ofMinutes(5),
                    Duration.ofMillis(50),
                    Duration.ofMillis(50)),
                DASHBOARD,
                meters)) {
      for (int i = 0; i < 5; i++) {
        router.route(StackClients.alert("p", "a" + i, AlertState.FIRING));
        assertThat(hook.next(WAIT).body().path("alert").path("id").asText()).isEqualTo("a" + i);
      }
      // a0 hangs in flight; a1, a2 were pushed out by a3, a4.
      await(() -> count("stuck", "dropped") == 2);
      // Counted once the receiver's answer is back, a moment after it read the body.
      await(() -> count("hook", "delivered") == 5);
      assertThat(count("stuck", "delivered")).isZero();
      assertThat(meters.get("scalewatch_alert_queue").tag("receiver", "stuck").gauge().value())
          .isEqualTo(2);
    }
  }

  @Test
  void shouldGiveUpOnAPayloadTheReceiverRefuses() throws Exception {
    try (LocalReceiver am = LocalReceiver.start().answering(400);
        AlertRouter router =
            AlertRouter.start(
                config(
                    List.of(new Receiver("am", ReceiverType.ALERTMANAGER, am.url())),
                    Map.of("*", List.of("am")),
                    Duration.ofMinutes(5)),
                DASHBOARD,
                meters)) {
      router.route(spike(AlertState.FIRING));
      am.next(WAIT);
      await(() -> count("am", "rejected") == 1);
      assertThat(am.poll(Duration.ofMillis(300))).isNull();
      assertThat(count("am", "failed")).isZero();
    }
  }

  private JsonNode lastUntilState(LocalReceiver am, Instant ended) throws InterruptedException {
    while (true) {
      JsonNode postable = am.next(WAIT).body().get(0);
      if (Instant.parse(postable.path("endsAt").asText()).equals(ended)) {
        return postable;
      }
    }
  }

  private double count(String receiver, String outcome) {
    return meters
        .get("scalewatch_alert_deliveries")
        .tag("receiver", receiver)
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  private static RoutingConfig config(
      List<Receiver> receivers, Map<String, List<String>> routes, Duration resend) {
    return RoutingConfig.of(receivers, routes)
        .withTimings(resend, Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private static Alert spike(AlertState state) {
    return Alert.newBuilder(StackClients.alert("p", "spike/sweep 7/r1/40", state))
        .setProject("sweep 7")
        .setSummary("loss <x> spiked 3.1x")
        .setEvidence("steps 40-42 at 3.1x the baseline 2.0")
        .setLabels(Map.of("run_id", "r1", "train/loss", "yes", "empty", ""))
        .build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(20);
    }
  }
}
