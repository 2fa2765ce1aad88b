package dev.scalewatch.schemas.registry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The in-memory registries of this JVM by {@code mock://} scope. Thread-safe. */
final class MockScopes {

  private static final ConcurrentMap<String, InMemorySchemaRegistryClient> SCOPES =
      new ConcurrentHashMap<>();

  private MockScopes() {}

  static SchemaRegistryClient client(String scope) {
    return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
  }

  static void drop(String scope) {
    SCOPES.remove(scope);
  }
}
