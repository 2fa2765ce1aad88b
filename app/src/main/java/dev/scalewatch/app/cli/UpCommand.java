package dev.scalewatch.app.cli;

import dev.scalewatch.app.config.ByteSize;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.config.StoreSettings;
import dev.scalewatch.app.demo.DemoFeed;
import dev.scalewatch.app.demo.DemoPlayer;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.ingest.gateway.GatewayConfig;
import dev.scalewatch.sinks.route.RoutingConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code scalewatch up}: runs the whole embedded stack until Ctrl-C. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the embedded stack in this process: a KRaft Kafka broker, the schema registry, "
          + "the Kafka Streams normalizer, one Flink MiniCluster and the HTTP server (GET /health, "
          + "the ingest gateway under /v1), creates the topics, and runs until Ctrl-C.",
      "State lives under --data-dir; a second 'up' on the same directory resumes with topics, "
          + "records and schema ids intact.",
      "New here? 'scalewatch up --demo', then 'scalewatch alerts --follow' in another terminal."
    })
public final class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin JobOptions jobs = new JobOptions();

  @Option(
      names = "--data-dir",
      defaultValue = "scalewatch-data",
      description = "Directory for all state (default: ${DEFAULT-VALUE}).")
  Path dataDirectory;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind and advertise (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Kafka client port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int kafkaPort;

  @Option(
      names = "--controller-port",
      defaultValue = "9093",
      description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(
      names = "--registry-port",
      defaultValue = "8081",
      description = "Schema registry port (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "HTTP port for /health (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--flink-port",
      defaultValue = "8082",
      description = "Flink REST port (default: ${DEFAULT-VALUE}).")
  int flinkPort;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of each topic created on first start (default: ${DEFAULT-VALUE}).")
  int partitions;

  /** The stack configuration these options describe; throws if a value is out of range. */
  public StackConfig options() {
    return new StackConfig(
        dataDirectory,
        host,
        kafkaPort,
        controllerPort,
        registryPort,
        httpPort,
        flinkPort,
        partitions,
        ByteSize.parse("--min-free-disk", minFreeDisk),
        new GatewayConfig(
            GatewayConfig.parseTokens(gatewayTokens), gatewayMaxEvents, gatewayMaxBytes),
        jobs.settings(demo),
        storeSettings(),
        RoutingConfig.parse(
            alertReceivers,
            alertRoutes,
            Duration.ofSeconds(alertResendSeconds),
            alertQueueCapacity));
  }

  private StoreSettings storeSettings() {
    if (spec != null && spec.commandLine().getParseResult().hasMatchedOption("--store-password")) {
      throw new IllegalArgumentException(
          "--store-password is not taken on the command line, where other users see it in the"
              + " process list: set SCALEWATCH_STORE_PASSWORD or store-password in the config"
              + " file");
    }
    return new StoreSettings(storeUrl, storeUser, storePassword);
  }

  @Option(
      names = "--store-url",
      paramLabel = "JDBC-URL",
      defaultValue = "",
      description =
          "Keep the store in PostgreSQL instead of the embedded DuckDB file under --data-dir:"
              + " jdbc:postgresql://host:port/database (default: DuckDB). The database must exist;"
              + " up creates the tables.")
  String storeUrl;

  @Option(
      names = "--store-user",
      defaultValue = "",
      description = "PostgreSQL user of --store-url (default: the driver's, the OS user).")
  String storeUser;

  // Never shown: its description has no default value, and StoreSettings hides it.
  @Option(
      names = "--store-password",
      paramLabel = "PASSWORD",
      defaultValue = "",
      description =
          "PostgreSQL password of --store-user, from SCALEWATCH_STORE_PASSWORD or the config file"
              + " key store-password only (refused as a flag); never printed.")
  String storePassword;

  @Option(
      names = "--demo",
      description =
          "Also play the built-in demo once the stack is up (project 'demo', about 40 s): a"
              + " synthetic sweep of six sizes with an emergent task and a smooth one, and five"
              + " live-looking runs (a loss spike that recovers, a one-step blip, a divergence to"
              + " NaN, a stall, a smooth control). Its alerts arrive within about a minute; watch"
              + " them with 'scalewatch alerts --follow'. Sets --stall-gap to "
              + JobOptions.DEMO_STALL_GAP_SECONDS
              + " s unless given. The events are the same every time: on a data directory that"
              + " already played it the normalizer drops them as duplicates, so use a fresh"
              + " --data-dir to watch it again.")
  boolean demo;

  @Option(
      names = "--min-free-disk",
      paramLabel = "SIZE",
      defaultValue = "1GiB",
      description =
          "Reserve kept free on the data directory's disk: below it, new events are refused (the"
              + " gateway answers 503, the broker answers TOPIC_AUTHORIZATION_FAILED to producers"
              + " of scalewatch.raw, the Python SDK spools) while everything inside keeps running;"
              + " they are taken again once 10%% more is free (default: ${DEFAULT-VALUE}).")
  String minFreeDisk;

  @Option(
      names = "--gateway-tokens",
      paramLabel = "PROJECT=TOKEN[,...]",
      defaultValue = "",
      description =
          "Bearer tokens of the HTTP gateway, one per project (default: none, so the "
              + "gateway refuses every batch). Prefer SCALEWATCH_GATEWAY_TOKENS or the config file "
              + "over a flag, which other users can see in the process list.")
  String gatewayTokens;

  @Option(
      names = "--gateway-max-events",
      defaultValue = "10000",
      description = "Most events in one gateway batch (default: ${DEFAULT-VALUE}).")
  int gatewayMaxEvents;

  @Option(
      names = "--gateway-max-bytes",
      defaultValue = "4194304",
      description = "Most bytes in one gateway request (default: ${DEFAULT-VALUE}).")
  int gatewayMaxBytes;

  @Option(
      names = "--alert-receivers",
      paramLabel = "NAME=TYPE:URL[,...]",
      defaultValue = "",
      description =
          "Where alerts are delivered: named receivers of type webhook (JSON), slack (an incoming"
              + " webhook URL) or alertmanager (the server's base URL; alerts go to"
              + " /api/v2/alerts), e.g. ops=alertmanager:http://127.0.0.1:9093,"
              + "team=slack:https://hooks.slack.com/services/T/B/X (default: none).")
  String alertReceivers;

  @Option(
      names = "--alert-routes",
      paramLabel = "PROJECT=NAME[+NAME...][,...]",
      defaultValue = "",
      description =
          "Which receivers get a project's alerts; * is every project without a route of its own,"
              + " e.g. sweep-7=team+ops,*=ops (default: every project to every receiver).")
  String alertRoutes;

  @Option(
      names = "--alert-resend-interval",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "How often alerts still firing are sent to Alertmanager again; each send asks it to keep"
              + " the alert four intervals (default: ${DEFAULT-VALUE}).")
  long alertResendSeconds;

  @Option(
      names = "--alert-queue-capacity",
      paramLabel = "ALERTS",
      defaultValue = "1000",
      description =
          "Alerts waiting per receiver while it is slow or down; when full the oldest is dropped"
              + " and counted (default: ${DEFAULT-VALUE}).")
  int alertQueueCapacity;

  @Override
  public Integer call() throws Exception {
    StackConfig config;
    try {
      config = options();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    EmbeddedStack stack = EmbeddedStack.start(config);
    AtomicReference<DemoPlayer> player = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("scalewatch: shutting down");
                  out.flush();
                  DemoPlayer feed = player.get();
                  if (feed != null) {
                    feed.close();
                  }
                  stack.close();
                  stopped.countDown();
                },
                "scalewatch-shutdown"));
    out.printf("kafka     %s%n", stack.bootstrapServers());
    out.printf("registry  %s%n", stack.registryUrl());
    out.printf("flink     %s%n", stack.flinkRestAddress());
    out.printf("http      %s/health%n", stack.httpUrl());
    out.printf(
        "gateway   %s/v1/{runs,metrics,evals} (%s)%n",
        stack.httpUrl(),
        config.gateway().projectsByToken().isEmpty()
            ? "no tokens: set --gateway-tokens project=token to accept batches"
            : "projects " + config.gateway().projectsByToken().values().stream().sorted().toList());
    out.printf("api       %s/api/{runs,tasks,evals,fits,alerts,events}%n", stack.httpUrl());
    out.printf("dashboard %s%n", stack.dashboardUrl());
    out.printf("store     %s%n", stack.storeLocation());
    out.printf("metrics   %s/metrics (Prometheus)%n", stack.httpUrl());
    out.printf(
        "alerts    %s%n",
        config.routing().receivers().isEmpty()
            ? "no receivers: set --alert-receivers name=type:url to deliver them"
            : config.routing().receivers().stream()
                .map(r -> r.name() + " (" + r.type().configName() + ")")
                .toList());
    out.printf("data      %s%n", config.dataDirectory().toAbsolutePath().normalize());
    out.printf(
        java.util.Locale.ROOT,
        "scalewatch: up in %.1f s; Ctrl-C stops%n",
        (System.nanoTime() - started) / 1e9);
    if (demo) {
      player.set(
          DemoPlayer.start(
              stack.bootstrapServers(), stack.registryUrl(), DemoFeed.DEFAULT_POINT_INTERVAL));
      out.printf(
          java.util.Locale.ROOT,
          "demo      playing project '%s' for %d s: a sweep of %s (%d sizes, tasks %s and %s) and"
              + " runs %s; watch with ./scalewatch alerts --follow (and ./scalewatch fits) in"
              + " another terminal%n",
          DemoFeed.PROJECT,
          DemoFeed.duration(DemoFeed.DEFAULT_POINT_INTERVAL).toSeconds(),
          DemoFeed.FAMILY,
          DemoFeed.SIZES.size(),
          DemoFeed.EMERGENT_TASK,
          DemoFeed.CONTROL_TASK,
          String.join(", ", DemoFeed.LIVE_RUNS));
    }
    out.flush();
    stopped.await();
    return 0;
  }
}
