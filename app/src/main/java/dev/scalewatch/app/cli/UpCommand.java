package dev.scalewatch.app.cli;

import dev.scalewatch.app.config.ByteSize;
import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.demo.DemoFeed;
import dev.scalewatch.app.demo.DemoPlayer;
import dev.scalewatch.app.embedded.EmbeddedStack;
import java.io.PrintWriter;
import java.nio.file.Path;
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

  @Mixin StoreOptions store = new StoreOptions();

  @Mixin GatewayOptions gateway = new GatewayOptions();

  @Mixin AlertRoutingOptions routing = new AlertRoutingOptions();

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
        gateway.config(),
        jobs.settings(demo),
        store.settings(spec),
        routing.config());
  }

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
    out.printf("alerts    %s%n", AlertRoutingOptions.describe(config.routing()));
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
