package dev.scalewatch.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API over {@link HttpClient}.
 *
 * <p>Caches schemas by id and ids by (subject, schema), which never change; latest versions and
 * compatibility are always asked. Error answers become {@link SchemaRegistryException} with the
 * status, {@code error_code} and {@code message} of the body; no retries. Thread-safe.
 */
final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  HttpSchemaRegistryClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public int register(String subject, Schema schema) {
    return cachedId(
        subject,
        schema,
        () ->
            send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema))
                .path("id")
                .asInt());
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return cachedId(
        subject,
        schema,
        () -> send("POST", "/subjects/" + encode(subject), schemaBody(schema)).path("id").asInt());
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema =
        parse(send("GET", "/schemas/ids/" + id, null).path("schema").asText(), "id " + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode body = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
    return new RegisteredSchema(
        body.path("subject").asText(subject),
        body.path("id").asInt(),
        body.path("version").asInt(),
        parse(body.path("schema").asText(), "subject " + subject));
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      return send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema))
          .path("is_compatible")
          .asBoolean(false);
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == ErrorCodes.SUBJECT_NOT_FOUND
          || e.errorCode() == ErrorCodes.VERSION_NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
    return subjects;
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistryClient[" + baseUrl + "]";
  }

  private interface IdCall {
    int call();
  }

  private int cachedId(String subject, Schema schema, IdCall call) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    int id = call.call();
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  private String schemaBody(Schema schema) {
    ObjectNode body = json.createObjectNode();
    body.put("schema", schema.toString());
    return body.toString();
  }

  private JsonNode send(String method, String path, String body) {
    URI uri = URI.create(baseUrl + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", ACCEPT);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreachable(method, uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(method, uri, e);
    }
    return parseAnswer(response);
  }

  private JsonNode parseAnswer(HttpResponse<String> response) {
    JsonNode node;
    try {
      node = json.readTree(response.body());
    } catch (IOException e) {
      node = null;
    }
    if (response.statusCode() / 100 == 2 && node != null) {
      return node;
    }
    if (node != null && node.has("error_code")) {
      throw new SchemaRegistryException(
          response.statusCode(), node.path("error_code").asInt(), node.path("message").asText(""));
    }
    String text = response.body() == null ? "" : response.body();
    throw new SchemaRegistryException(
        response.statusCode(),
        response.statusCode(),
        String.format(
            Locale.ROOT,
            "unexpected answer to %s %s: %s",
            response.request().method(),
            response.uri(),
            text.length() > 200 ? text.substring(0, 200) + "..." : text));
  }

  private SchemaRegistryException unreachable(String method, URI uri, Exception cause) {
    return new SchemaRegistryException(
        SchemaRegistryException.UNREACHABLE,
        SchemaRegistryException.UNREACHABLE,
        String.format(
            Locale.ROOT,
            "cannot reach the schema registry for %s %s: %s (check %s and that the "
                + "registry is up)",
            method,
            uri,
            cause,
            SchemaRegistryClients.URL_CONFIG),
        cause);
  }

  private static Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          200,
          ErrorCodes.INVALID_SCHEMA,
          "registry returned a schema for " + what + " that is not valid Avro: " + e.getMessage(),
          e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
