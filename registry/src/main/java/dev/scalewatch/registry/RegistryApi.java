package dev.scalewatch.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scalewatch.schemas.registry.CompatibilityLevel;
import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API subset over a {@link SchemaStore}, as Javalin routes.
 * Answers {@code application/vnd.schemaregistry.v1+json}; accepts any JSON content type. Errors
 * answer {@code {"error_code": ..., "message": ...}}. Thread-safe (the store is).
 */
final class RegistryApi {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /**
   * Marks a request whose error answer is already written, so that the 404 page does not replace
   * it.
   */
  private static final String ANSWERED = "scalewatch.registry.answered";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);

  private final SchemaStore store;
  private final ObjectMapper json = new ObjectMapper();

  RegistryApi(SchemaStore store) {
    this.store = store;
  }

  void install(Javalin app) {
    app.get("/", ctx -> send(ctx, json.createObjectNode()));
    app.get("/subjects", ctx -> send(ctx, store.subjects(deleted(ctx))));
    app.get(
        "/subjects/{subject}/versions",
        ctx -> send(ctx, store.versions(subject(ctx), deleted(ctx))));
    app.post(
        "/subjects/{subject}/versions",
        ctx ->
            send(
                ctx,
                json.createObjectNode()
                    .put(
                        "id",
                        store.register(subject(ctx), SchemaRequest.schemaOf(json, ctx.body())))));
    app.get(
        "/subjects/{subject}/versions/{version}",
        ctx ->
            send(
                ctx,
                versionNode(store.version(subject(ctx), ctx.pathParam("version"), deleted(ctx)))));
    app.get(
        "/subjects/{subject}/versions/{version}/schema",
        ctx ->
            sendRaw(
                ctx, store.version(subject(ctx), ctx.pathParam("version"), deleted(ctx)).schema()));
    app.post(
        "/subjects/{subject}",
        ctx ->
            send(
                ctx,
                versionNode(
                    store.lookup(
                        subject(ctx), SchemaRequest.schemaOf(json, ctx.body()), deleted(ctx)))));
    app.delete(
        "/subjects/{subject}", ctx -> send(ctx, store.deleteSubject(subject(ctx), permanent(ctx))));
    app.delete(
        "/subjects/{subject}/versions/{version}",
        ctx ->
            send(ctx, store.deleteVersion(subject(ctx), ctx.pathParam("version"), permanent(ctx))));
    app.get("/schemas/types", ctx -> send(ctx, List.of("AVRO")));
    app.get(
        "/schemas/ids/{id}",
        ctx -> send(ctx, json.createObjectNode().put("schema", store.schemaById(id(ctx)))));
    app.get("/schemas/ids/{id}/schema", ctx -> sendRaw(ctx, store.schemaById(id(ctx))));
    app.get(
        "/schemas/ids/{id}/versions",
        ctx -> {
          ArrayNode refs = json.createArrayNode();
          store
              .versionsOfId(id(ctx), deleted(ctx))
              .forEach(
                  v -> refs.addObject().put("subject", v.subject()).put("version", v.version()));
          send(ctx, refs);
        });
    app.get(
        "/schemas/ids/{id}/subjects",
        ctx ->
            send(
                ctx,
                store.versionsOfId(id(ctx), deleted(ctx)).stream()
                    .map(SubjectVersion::subject)
                    .distinct()
                    .toList()));
    app.get("/config", ctx -> send(ctx, level("compatibilityLevel", store.globalLevel())));
    app.put(
        "/config",
        ctx -> {
          CompatibilityLevel level = levelOf(ctx);
          store.setGlobalLevel(level);
          send(ctx, level("compatibility", level));
        });
    app.get(
        "/config/{subject}",
        ctx -> {
          CompatibilityLevel level =
              store
                  .subjectLevel(subject(ctx))
                  .orElseGet(
                      () -> {
                        if (!"true".equalsIgnoreCase(ctx.queryParam("defaultToGlobal"))) {
                          throw SchemaStore.notConfigured(subject(ctx));
                        }
                        return store.globalLevel();
                      });
          send(ctx, level("compatibilityLevel", level));
        });
    app.put(
        "/config/{subject}",
        ctx -> {
          CompatibilityLevel level = levelOf(ctx);
          store.setSubjectLevel(subject(ctx), level);
          send(ctx, level("compatibility", level));
        });
    app.delete(
        "/config/{subject}",
        ctx -> send(ctx, level("compatibilityLevel", store.deleteSubjectLevel(subject(ctx)))));
    app.post(
        "/compatibility/subjects/{subject}/versions/{version}",
        ctx -> compatibility(ctx, ctx.pathParam("version")));
    app.post("/compatibility/subjects/{subject}/versions", ctx -> compatibility(ctx, null));

    app.exception(
        SchemaRegistryException.class,
        (e, ctx) -> error(ctx, e.status(), e.errorCode(), e.registryMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("registry request {} {} failed", ctx.method(), ctx.path(), e);
          error(ctx, 500, 500, "Internal error: " + e);
        });
    app.error(
        404,
        ctx -> {
          if (ctx.attribute(ANSWERED) == null) {
            error(ctx, 404, 404, "HTTP 404 Not Found");
          }
        });
    app.error(405, ctx -> error(ctx, 405, 405, "HTTP 405 Method Not Allowed"));
  }

  private void compatibility(Context ctx, String version) throws JsonProcessingException {
    List<String> problems =
        store.checkCompatibility(subject(ctx), version, SchemaRequest.schemaOf(json, ctx.body()));
    ObjectNode answer = json.createObjectNode().put("is_compatible", problems.isEmpty());
    if ("true".equalsIgnoreCase(ctx.queryParam("verbose"))) {
      ArrayNode messages = answer.putArray("messages");
      problems.forEach(messages::add);
    }
    send(ctx, answer);
  }

  private CompatibilityLevel levelOf(Context ctx) {
    try {
      JsonNode body = json.readTree(ctx.body());
      return CompatibilityLevel.parse(
          body == null ? null : body.path("compatibility").asText(null));
    } catch (IOException | IllegalArgumentException e) {
      throw new SchemaRegistryException(
          422,
          ErrorCodes.INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level. "
              + "Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and "
              + "full_transitive (send {\"compatibility\": \"BACKWARD\"})");
    }
  }

  private ObjectNode level(String field, CompatibilityLevel level) {
    return json.createObjectNode().put(field, level.name());
  }

  private ObjectNode versionNode(SubjectVersion v) {
    return json.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  private static String subject(Context ctx) {
    return ctx.pathParam("subject");
  }

  private static boolean deleted(Context ctx) {
    return "true".equalsIgnoreCase(ctx.queryParam("deleted"));
  }

  private static boolean permanent(Context ctx) {
    return "true".equalsIgnoreCase(ctx.queryParam("permanent"));
  }

  private static int id(Context ctx) {
    String text = ctx.pathParam("id");
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new SchemaRegistryException(
          404, ErrorCodes.SCHEMA_NOT_FOUND, "Schema " + text + " not found");
    }
  }

  private void send(Context ctx, Object body) throws JsonProcessingException {
    ctx.contentType(CONTENT_TYPE).result(json.writeValueAsString(body));
  }

  private static void sendRaw(Context ctx, String schema) {
    ctx.contentType(CONTENT_TYPE).result(schema);
  }

  private void error(Context ctx, int status, int errorCode, String message) {
    ObjectNode body = json.createObjectNode().put("error_code", errorCode).put("message", message);
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status).contentType(CONTENT_TYPE).result(body.toString());
  }
}
