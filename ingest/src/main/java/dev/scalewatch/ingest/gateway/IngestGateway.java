package dev.scalewatch.ingest.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.ingest.client.RawEventProducer;
import dev.scalewatch.ingest.validate.EventValidator;
import dev.scalewatch.ingest.validate.Violation;
import dev.scalewatch.schemas.json.AvroJson;
import dev.scalewatch.schemas.json.AvroJsonException;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway for trainers that cannot reach Kafka: JSON batch endpoints {@code POST
 * /v1/runs}, {@code /v1/metrics} and {@code /v1/evals}, each taking a JSON array of events whose
 * fields are the contract's (snake_case; unions untagged; NaN as {@code "NaN"}).
 *
 * <p>Answers: 200 {@code {"accepted": n, "errors": []}}; 400 when some events are invalid (the
 * valid ones of the batch are still accepted, and each error names the event index, the field and
 * the value); 401 without a known bearer token; 403 when an event names another project than the
 * token's (nothing of that batch is accepted); 413 for more than {@link GatewayConfig#maxEvents()}
 * events or {@link GatewayConfig#maxBytes()} bytes; 503 when the broker does not acknowledge in
 * time (the body says which events were acknowledged and which to retry), or while the {@link
 * Admission} refuses new events (a disk nearly full; with {@code Retry-After}). An event without
 * {@code project} gets the token's project. Tokens are never logged.
 *
 * <p>Thread-safe: requests are served concurrently.
 */
public final class IngestGateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngestGateway.class);
  private static final String BEARER = "Bearer ";

  private final GatewayConfig config;
  private final EventValidator validator = new EventValidator();
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);
  private static final int RETRY_AFTER_SECONDS = 10;

  private final RawEventProducer producer;
  private final Admission admission;
  private final Object drainLock = new Object();
  private int inProgress; // guarded by drainLock
  private boolean draining; // guarded by drainLock

  public IngestGateway(
      GatewayConfig config, String bootstrapServers, SchemaRegistryClient registry) {
    this(config, bootstrapServers, registry, Admission.OPEN);
  }

  /** As above; batches arriving while {@code admission} refuses are answered 503 untouched. */
  public IngestGateway(
      GatewayConfig config,
      String bootstrapServers,
      SchemaRegistryClient registry,
      Admission admission) {
    this.config = config;
    this.admission = admission;
    this.producer =
        new RawEventProducer(
            bootstrapServers,
            registry,
            Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ACK_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() / 2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis()));
  }

  /** Adds the batch endpoints to {@code app}; call before it starts. */
  public void addRoutes(Javalin app) {
    for (EventKind kind : EventKind.values()) {
      app.post(kind.path, ctx -> handle(ctx, kind));
    }
  }

  private void handle(Context ctx, EventKind kind) {
    synchronized (drainLock) {
      if (draining) {
        ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        answer(
            ctx,
            HttpStatus.SERVICE_UNAVAILABLE,
            BatchResult.rejected(
                null, "the stack is stopping; nothing of this batch was accepted, retry later"));
        return;
      }
      inProgress++;
    }
    try {
      handleBatch(ctx, kind);
    } finally {
      synchronized (drainLock) {
        inProgress--;
        drainLock.notifyAll();
      }
    }
  }

  /**
   * Refuses new batches (503) and waits until the batches in progress are answered, at most {@code
   * timeout}: call before the HTTP server stops, so that no batch the broker acknowledged goes
   * unanswered (its sender would send it again after the restart, as a duplicate).
   */
  public void drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (drainLock) {
      draining = true;
      while (inProgress > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("Gateway stops with {} batches still in progress", inProgress);
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(drainLock, left);
      }
    }
  }

  private void handleBatch(Context ctx, EventKind kind) {
    String project = projectOf(ctx.header("Authorization"));
    if (project == null) {
      answer(
          ctx,
          HttpStatus.UNAUTHORIZED,
          BatchResult.rejected(
              "Authorization",
              "a bearer token is required: 'Authorization: Bearer <token>' with a token configured for the project"));
      return;
    }
    String refusal = admission.refusal();
    if (refusal != null) {
      ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
      answer(
          ctx,
          HttpStatus.SERVICE_UNAVAILABLE,
          BatchResult.rejected(
              null, refusal + "; nothing of this batch was accepted, retry later"));
      return;
    }
    long length = ctx.contentLength();
    if (length > config.maxBytes()) {
      answer(ctx, HttpStatus.CONTENT_TOO_LARGE, tooLarge("bytes", length, config.maxBytes()));
      return;
    }
    byte[] body;
    try {
      body = ctx.bodyAsBytes();
    } catch (Exception e) {
      // Jetty reports a body that ends before its Content-Length as an early EOF (an IOException
      // that Javalin, written in Kotlin, throws undeclared)
      answer(
          ctx,
          HttpStatus.BAD_REQUEST,
          BatchResult.rejected(
              "Content-Length",
              String.format(
                  Locale.ROOT,
                  "the body ended before the %d bytes its Content-Length announced (%s);"
                      + " nothing of this batch was accepted, send it again whole",
                  length,
                  rootMessage(e))));
      return;
    }
    if (body.length > config.maxBytes()) {
      answer(ctx, HttpStatus.CONTENT_TOO_LARGE, tooLarge("bytes", body.length, config.maxBytes()));
      return;
    }
    JsonNode batch;
    try {
      batch = AvroJson.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      String reason =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      answer(
          ctx,
          HttpStatus.BAD_REQUEST,
          BatchResult.rejected(null, "body is not valid JSON: " + reason));
      return;
    }
    if (batch == null || !batch.isArray()) {
      answer(
          ctx,
          HttpStatus.BAD_REQUEST,
          BatchResult.rejected(
              null, "body must be a JSON array of events, e.g. [{\"run_id\": \"r1\", ...}]"));
      return;
    }
    if (batch.size() > config.maxEvents()) {
      answer(
          ctx, HttpStatus.CONTENT_TOO_LARGE, tooLarge("events", batch.size(), config.maxEvents()));
      return;
    }
    String foreign = foreignProject(batch, project);
    if (foreign != null) {
      answer(
          ctx,
          HttpStatus.FORBIDDEN,
          BatchResult.rejected(
              "project",
              String.format(
                  Locale.ROOT,
                  "this token writes project '%s' only, not '%s'; nothing of this batch was accepted",
                  project,
                  foreign)));
      return;
    }
    List<SpecificRecord> valid = new ArrayList<>();
    List<Integer> validIndexes = new ArrayList<>();
    List<BatchResult.Error> errors = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      SpecificRecord event = convert(batch.get(i), i, kind, project, errors);
      if (event != null) {
        valid.add(event);
        validIndexes.add(i);
      }
    }
    try {
      producer.sendAllAndWait(valid, ACK_TIMEOUT);
    } catch (RawEventProducer.PublishException e) {
      log.warn(
          "Gateway: {} of a batch of {} {} not acknowledged: {}",
          e.unacknowledged().size(),
          valid.size(),
          kind,
          e.getMessage());
      String message =
          "the broker did not acknowledge this event ("
              + e.getMessage()
              + "); retry it (a retried event that did arrive is dropped as a duplicate)";
      for (int position : e.unacknowledged()) {
        errors.add(new BatchResult.Error(validIndexes.get(position), null, message));
      }
      errors.sort(Comparator.comparing(BatchResult.Error::index));
      answer(
          ctx,
          HttpStatus.SERVICE_UNAVAILABLE,
          new BatchResult(valid.size() - e.unacknowledged().size(), errors));
      return;
    }
    answer(
        ctx,
        errors.isEmpty() ? HttpStatus.OK : HttpStatus.BAD_REQUEST,
        new BatchResult(valid.size(), errors));
  }

  /** The event at {@code index} as a valid record, or null with its problems added to errors. */
  private SpecificRecord convert(
      JsonNode node, int index, EventKind kind, String project, List<BatchResult.Error> errors) {
    if (!node.isObject()) {
      errors.add(
          new BatchResult.Error(index, null, "event must be a JSON object: " + abbreviate(node)));
      return null;
    }
    if (!node.has("project")) {
      ((ObjectNode) node).put("project", project);
    }
    SpecificRecord event;
    try {
      event = AvroJson.toSpecific(node, kind.type);
    } catch (AvroJsonException e) {
      errors.add(new BatchResult.Error(index, e.field(), e.getMessage()));
      return null;
    }
    List<Violation> violations = validator.validate(event);
    if (!violations.isEmpty()) {
      violations.forEach(v -> errors.add(new BatchResult.Error(index, v.field(), v.message())));
      return null;
    }
    return event;
  }

  /** The token's project; the scheme is case-insensitive (RFC 7235), so {@code bearer} works. */
  private String projectOf(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return config.projectsByToken().get(authorization.substring(BEARER.length()).trim());
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static String foreignProject(JsonNode batch, String project) {
    for (JsonNode event : batch) {
      JsonNode named = event.get("project");
      if (named != null && !(named.isTextual() && named.textValue().equals(project))) {
        return named.isTextual() ? named.textValue() : named.toString();
      }
    }
    return null;
  }

  private static BatchResult tooLarge(String unit, long size, long limit) {
    return BatchResult.rejected(
        null,
        String.format(
            Locale.ROOT,
            "batch too large: %d %s > %d; split it into batches of at most %d %s",
            size,
            unit,
            limit,
            limit,
            unit));
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private static void answer(Context ctx, HttpStatus status, BatchResult result) {
    ctx.status(status).json(result);
  }

  @Override
  public void close() {
    producer.close();
  }
}
