package dev.scalewatch.app.bench;

import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.app.testing.LocalReceiver;
import dev.scalewatch.app.testing.StackClients;
import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.AlertState;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClients;
import dev.scalewatch.schemas.serde.AvroKafkaSerializer;
import dev.scalewatch.sinks.route.Receiver;
import dev.scalewatch.sinks.route.ReceiverType;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load generator (not a test): ingestion through the gateway while alerts stream to a webhook, with
 * or without a second receiver that never answers. Starts the whole embedded stack in this JVM,
 * produces ALERTS alert records (firing and resolved pairs) to {@code scalewatch.alerts} while
 * posting EVENTS metric points to the gateway in batches of 1,000 from one client, and prints the
 * gateway's events per second, when the webhook had every alert record, and what the hanging
 * receiver's queue dropped.
 *
 * <pre>
 * java -Xmx1g -cp "app/target/test-classes:app/target/scalewatch.jar:app/target/lib/*" \
 *     dev.scalewatch.app.bench.HangingReceiverLoad 200000 2000 hang
 * </pre>
 *
 * Arguments: events (default 200,000), alert records (default 2,000), {@code hang} or {@code none}.
 */
public final class HangingReceiverLoad {

  private static final String TOKEN = "bench";
  private static final int BATCH = 1000;

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int alerts = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    boolean hang = args.length <= 2 || args[2].equals("hang");
    try (LocalReceiver hook = LocalReceiver.start();
        LocalReceiver stuck = LocalReceiver.start().hanging()) {
      List<Receiver> receivers = new ArrayList<>();
      receivers.add(new Receiver("hook", ReceiverType.WEBHOOK, hook.url()));
      if (hang) {
        receivers.add(new Receiver("stuck", ReceiverType.WEBHOOK, stuck.url()));
      }
      RoutingConfig routing =
          RoutingConfig.of(receivers, Map.of("*", receivers.stream().map(Receiver::name).toList()));
      StackConfig config =
          StackConfig.ephemeral(Files.createTempDirectory("hanging-bench"), Map.of(TOKEN, "b"))
              .withRouting(routing);
      try (EmbeddedStack stack = EmbeddedStack.start(config);
          var registry = SchemaRegistryClients.forUrl(stack.registryUrl());
          var producer =
              new KafkaProducer<String, Alert>(
                  StackClients.producerConfig(stack.bootstrapServers()),
                  new StringSerializer(),
                  new AvroKafkaSerializer<>(registry))) {
        HttpClient http = HttpClient.newHttpClient();
        long start = System.nanoTime();
        Thread alertFeed =
            new Thread(
                () -> {
                  for (int i = 0; i < alerts / 2; i++) {
                    for (AlertState state : AlertState.values()) {
                      Alert alert = StackClients.alert("b", "bench/" + i, state);
                      producer.send(new ProducerRecord<>(Topics.ALERTS, alert.getId(), alert));
                    }
                    try {
                      Thread.sleep(5);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  producer.flush();
                });
        alertFeed.start();
        for (int sent = 0; sent < events; sent += BATCH) {
          StringJoiner batch = new StringJoiner(",", "[", "]");
          for (int i = sent; i < sent + BATCH; i++) {
            batch.add(
                "{\"run_id\":\"r"
                    + (i % 100)
                    + "\",\"step\":"
                    + i / 100
                    + ",\"metric\":\"train/loss\",\"value\":2.5,\"event_time\":"
                    + (1_767_225_600_000L + i)
                    + "}");
          }
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/metrics"))
                      .header("Authorization", "Bearer " + TOKEN)
                      .POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            throw new IllegalStateException(response.body());
          }
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        alertFeed.join();
        int received = 0;
        while (received < alerts) {
          if (hook.poll(Duration.ofSeconds(60)) == null) {
            break;
          }
          received++;
        }
        double alertSeconds = (System.nanoTime() - start) / 1e9;
        String metrics = StackClients.get(stack.httpUrl() + "/metrics").body();
        System.out.printf(
            Locale.ROOT,
            "receivers %s: %d events through the gateway in %.1f s = %.0f events/s; webhook had"
                + " %d of %d alert records %.1f s after the start%n",
            hang ? "hook + hanging" : "hook",
            events,
            ingestSeconds,
            events / ingestSeconds,
            received,
            alerts,
            alertSeconds);
        metrics
            .lines()
            .filter(l -> l.startsWith("scalewatch_alert_deliveries_total") && !l.endsWith(" 0.0"))
            .forEach(System.out::println);
      }
    }
  }
}
