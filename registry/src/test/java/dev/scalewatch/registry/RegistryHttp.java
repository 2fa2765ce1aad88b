package dev.scalewatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A started registry over an in-memory log, and raw HTTP calls to it, for the tests. */
final class RegistryHttp implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final SchemaLog log;
  final EmbeddedSchemaRegistry registry;

  RegistryHttp(SchemaLog log) {
    this.log = log;
    this.registry = EmbeddedSchemaRegistry.start(RegistryConfig.of(null, "127.0.0.1", 0), log);
  }

  RegistryHttp() {
    this(SchemaLog.inMemory());
  }

  /** The answer to a request: status, content type and body. */
  record Answer(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  Answer get(String path) {
    return send("GET", path, null, RegistryApi.CONTENT_TYPE);
  }

  Answer delete(String path) {
    return send("DELETE", path, null, RegistryApi.CONTENT_TYPE);
  }

  Answer post(String path, String body) {
    return send("POST", path, body, RegistryApi.CONTENT_TYPE);
  }

  Answer put(String path, String body) {
    return send("PUT", path, body, RegistryApi.CONTENT_TYPE);
  }

  /** Posts {@code {"schema": schema}} to register under a subject. */
  Answer register(String subject, String schema) {
    return post("/subjects/" + subject + "/versions", body(schema));
  }

  static String body(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  Answer send(String method, String path, String body, String contentType) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(registry.url() + path)).timeout(Duration.ofSeconds(10));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    registry.close();
  }
}
