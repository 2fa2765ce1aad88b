package dev.scalewatch.sinks.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingConfigTest {

  private static final Duration RESEND = Duration.ofSeconds(60);

  @Test
  void shouldParseReceiversWithCommasInTheirUrlsAndRoutesWithADefault() {
    RoutingConfig config =
        RoutingConfig.parse(
            "ops=alertmanager:http://127.0.0.1:9093, team=slack:https://hooks.example/T/B?a=1,2,"
                + "hook=webhook:http://127.0.0.1:9000/x",
            "sweep-7=team+ops,*=hook",
            RESEND,
            10);
    assertThat(config.receivers())
        .containsExactly(
            new Receiver("ops", ReceiverType.ALERTMANAGER, URI.create("http://127.0.0.1:9093")),
            new Receiver("team", ReceiverType.SLACK, URI.create("https://hooks.example/T/B?a=1,2")),
            new Receiver("hook", ReceiverType.WEBHOOK, URI.create("http://127.0.0.1:9000/x")));
    assertThat(config.receiversFor("sweep-7")).containsExactly("team", "ops");
    assertThat(config.receiversFor("other")).containsExactly("hook");
    assertThat(config.receivers().get(0).endpoint())
        .isEqualTo(URI.create("http://127.0.0.1:9093/api/v2/alerts"));
  }

  @Test
  void shouldRouteEveryProjectToEveryReceiverWhenNoRoutesAreGiven() {
    RoutingConfig config =
        RoutingConfig.parse("a=webhook:http://h:1,b=slack:http://h:2", "", RESEND, 10);
    assertThat(config.receiversFor("any")).containsExactly("a", "b");
  }

  @Test
  void shouldRouteNowhereWithAnEmptyRoute() {
    RoutingConfig config = RoutingConfig.parse("a=webhook:http://h:1", "quiet=,*=a", RESEND, 10);
    assertThat(config.receiversFor("quiet")).isEmpty();
    assertThat(config.receiversFor("loud")).containsExactly("a");
  }

  @Test
  void shouldNameAnUnknownReceiverInARoute() {
    assertThatThrownBy(() -> RoutingConfig.parse("a=webhook:http://h:1", "p=a+b", RESEND, 10))
        .hasMessage("alert-routes: project 'p' routes to unknown receiver 'b' (receivers: [a])");
  }

  @Test
  void shouldNameAnUnknownReceiverType() {
    assertThatThrownBy(() -> RoutingConfig.parse("a=pager:http://h:1", "", RESEND, 10))
        .hasMessage(
            "alert-receivers: unknown receiver type 'pager' (use one of webhook, slack,"
                + " alertmanager)");
  }

  @Test
  void shouldRefuseAUrlWithoutHttp() {
    assertThatThrownBy(() -> RoutingConfig.parse("a=webhook:ftp://h/x", "", RESEND, 10))
        .hasMessage(
            "alert-receivers: receiver a needs an http or https URL with a host: 'ftp://h/x'");
  }

  @Test
  void shouldRefuseAZeroResendIntervalAndAnEmptyQueue() {
    assertThatThrownBy(() -> RoutingConfig.parse("", "", Duration.ZERO, 10))
        .hasMessage("alert-resend-interval must be > 0: PT0S");
    assertThatThrownBy(() -> RoutingConfig.parse("", "", RESEND, 0))
        .hasMessage("alert-queue-capacity must be between 1 and 1000000: 0");
  }

  @Test
  void shouldRefuseTwoReceiversOfOneName() {
    assertThatThrownBy(
            () ->
                RoutingConfig.of(
                    List.of(
                        new Receiver("a", ReceiverType.WEBHOOK, URI.create("http://h:1")),
                        new Receiver("a", ReceiverType.SLACK, URI.create("http://h:2"))),
                    java.util.Map.of()))
        .hasMessage("alert-receivers: receiver name 'a' is given twice");
  }
}
