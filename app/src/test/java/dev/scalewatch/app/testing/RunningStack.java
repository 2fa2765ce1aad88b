package dev.scalewatch.app.testing;

import dev.scalewatch.app.config.StackConfig;
import dev.scalewatch.app.embedded.EmbeddedFlink;
import dev.scalewatch.app.embedded.EmbeddedKafkaBroker;
import dev.scalewatch.app.embedded.EmbeddedStack;
import dev.scalewatch.jobs.JobsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded stack (free ports, a fresh data directory) for all tests of a class:
 * {@code @RegisterExtension static final RunningStack stack = new RunningStack();}, then {@code
 * stack.bootstrapServers()} and the other accessors of {@link EmbeddedStack}. Stopped and deleted
 * after the class.
 */
public final class RunningStack implements BeforeAllCallback, AfterAllCallback {

  private final Map<String, String> gatewayTokens;
  private Duration stallGap = JobsConfig.DEFAULT_STALL_GAP;
  private Path data;
  private EmbeddedStack stack;

  public RunningStack() {
    this(Map.of());
  }

  /** A stack whose gateway accepts these tokens (token to project). */
  public RunningStack(Map<String, String> gatewayTokens) {
    this.gatewayTokens = gatewayTokens;
  }

  /** This stack's run monitor raises a stall after {@code gap} without points. */
  public RunningStack stallGap(Duration gap) {
    this.stallGap = gap;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    data = Files.createTempDirectory("scalewatch-it-");
    stack = EmbeddedStack.start(StackConfig.ephemeral(data, gatewayTokens).withStallGap(stallGap));
    awaitHealthy(Duration.ofSeconds(60));
  }

  /** As a user would: the stack is up once /health says so (the jobs take a moment to run). */
  private void awaitHealthy(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!stack.health().healthy()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not healthy within " + timeout + ": " + stack.health());
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (stack != null) {
      stack.close();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  public EmbeddedStack stack() {
    return stack;
  }

  public String bootstrapServers() {
    return stack.bootstrapServers();
  }

  public String registryUrl() {
    return stack.registryUrl();
  }

  public String httpUrl() {
    return stack.httpUrl();
  }

  public EmbeddedKafkaBroker broker() {
    return stack.broker();
  }

  public EmbeddedFlink flink() {
    return stack.flink();
  }

  /** The stack's data directory (for components a test starts beside it). */
  public Path dataDirectory() {
    return data;
  }
}
