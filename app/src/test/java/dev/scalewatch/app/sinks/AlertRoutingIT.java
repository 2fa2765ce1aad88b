package dev.scalewatch.app.sinks;

import static dev.scalewatch.app.testing.StackClients.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.app.testing.LocalReceiver;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.sinks.route.Receiver;
import dev.scalewatch.sinks.route.ReceiverType;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts on {@code scalewatch.alerts} reach the receivers of their project's route through the
 * whole stack, while a receiver that hangs delays neither the store nor the other receivers; a
 * restart on the same data directory delivers nothing again, while Alertmanager hears again of the
 * alert still firing.
 */
class AlertRoutingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ALERTS = 20;

  @TempDir Path data;

  @Test
  void shouldDeliverPastAHangingReceiverAndNotRefireAfterRestart() throws Exception {
    try (LocalReceiver hook = LocalReceiver.start();
        LocalReceiver am = LocalReceiver.start();
        LocalReceiver other = LocalReceiver.start();
        LocalReceiver stuck = LocalReceiver.start().hanging()) {
      RoutingConfig routing =
          RoutingConfig.of(
                  List.of(
                      new Receiver("hook", ReceiverType.WEBHOOK, hook.url()),
                      new Receiver("am", ReceiverType.ALERTMANAGER, am.url()),
                      new Receiver("other", ReceiverType.WEBHOOK, other.url()),
                      new Receiver("stuck", ReceiverType.WEBHOOK, stuck.url())),
                  Map.of("it", List.of("hook", "am", "stuck"), "*", List.of("other")))
              .withTimings(
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(30),
                  Duration.ofMillis(100),
                  Duration.ofSeconds(1));
      StackConfig config = StackConfig.ephemeral(data).withRouting(routing);

      try (EmbeddedStack stack = EmbeddedStack.start(config)) {
        try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
            var producer = producer(stack, registry)) {
          for (int i = 0; i < ALERTS; i++) {
            send(producer, StackClients.alert("it", "spike/" + i, AlertState.FIRING));
            send(producer, StackClients.alert("it", "spike/" + i, AlertState.RESOLVED));
          }
          send(producer, StackClients.alert("it", "stall/r1", AlertState.FIRING));
          send(producer, StackClients.alert("elsewhere", "stall/r9", AlertState.FIRING));
          producer.flush();
        }
        // Every state of every alert reaches the webhook in order, past the hanging receiver.
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2 * ALERTS + 1; i++) {
          JsonNode body = hook.next(WAIT).body();
          String id = body.path("alert").path("id").asText();
          String state = body.path("alert").path("state").asText();
          assertThat(seen.add(id + " " + state))
              .as("delivered twice: " + id + " " + state)
              .isTrue();
          if (state.equals("RESOLVED")) {
            assertThat(seen).contains(id + " FIRING");
          }
        }
        assertThat(other.next(WAIT).body().path("alert").path("id").asText()).isEqualTo("stall/r9");
        // The store keeps up too.
        JsonNode stored =
            await(
                stack.httpUrl() + "/api/alerts?project=it&state=all",
                a -> a.path("alerts").size() == ALERTS + 1);
        assertThat(stored.path("alerts").size()).isEqualTo(ALERTS + 1);
        // Alertmanager hears of the alert still firing again and again.
        awaitResends(am, "stall/r1", 2);
      }
      hook.drain();
      other.drain();
      am.drain();

      try (EmbeddedStack stack = EmbeddedStack.start(config)) {
        // Alertmanager hears again of what still fires, and of nothing resolved.
        awaitResends(am, "stall/r1", 1);
        for (LocalReceiver.Post post : am.drain()) {
          assertThat(post.body().get(0).path("labels").path("alert_id").asText())
              .isEqualTo("stall/r1");
        }
        try (SchemaRegistryClient registry = SchemaRegistryClients.forUrl(stack.registryUrl());
            var producer = producer(stack, registry)) {
          send(producer, StackClients.alert("it", "stall/r1", AlertState.RESOLVED));
          producer.flush();
        }
        // The webhook gets only the new state: nothing of before the restart is delivered again.
        JsonNode next = hook.next(WAIT).body();
        assertThat(next.path("alert").path("id").asText()).isEqualTo("stall/r1");
        assertThat(next.path("alert").path("state").asText()).isEqualTo("RESOLVED");
        assertThat(hook.poll(Duration.ofSeconds(2))).isNull();
        assertThat(other.poll(Duration.ofMillis(100))).isNull();
      }
    }
  }

  private static void awaitResends(LocalReceiver am, String id, int times) throws Exception {
    int heard = 0;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (heard < times) {
      assertThat(System.nanoTime()).as("re-sends of " + id).isLessThan(deadline);
      JsonNode postable = am.next(WAIT).body().get(0);
      if (postable.path("labels").path("alert_id").asText().equals(id)) {
        assertThat(Instant.parse(postable.path("endsAt").asText())).isAfter(Instant.now());
        heard++;
      }
    }
  }

  private static void send(KafkaProducer<String, Alert> producer, Alert alert) {
    producer.send(new ProducerRecord<>(Topics.ALERTS, alert.getId(), alert));
  }

  private static KafkaProducer<String, Alert> producer(
      EmbeddedStack stack, SchemaRegistryClient registry) {
    return new KafkaProducer<>(
        StackClients.producerConfig(stack.bootstrapServers()),
        new StringSerializer(),
        new AvroKafkaSerializer<>(registry));
  }

  static JsonNode await(String url, java.util.function.Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      var response = get(url);
      if (response.statusCode() == 200) {
        last = JSON.readTree(response.body());
        if (done.test(last)) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not within " + WAIT + ": " + url + " answered " + last);
  }
}
