package dev.scalewatch.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible schema registry, for Avro schemas under topic-name subjects
 * ({@code <topic>-value}, {@code <topic>-key}).
 *
 * <p>Get one from {@link SchemaRegistryClients#forUrl(String)}: {@code http(s)://...} talks to a
 * registry over HTTP, {@code mock://scope} to an in-memory registry shared by every client of the
 * same scope in this JVM (for unit tests).
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry refuses the request
 * (with its HTTP status, Confluent {@code error_code} and message) or cannot be reached.
 * Implementations are thread-safe and cache what cannot change (schemas by id, ids by schema).
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers a schema under a subject, or returns the id it already has there.
   *
   * @return the schema id (the same schema under another subject has the same id)
   * @throws SchemaRegistryException 409 if the schema is incompatible with the subject's versions,
   *     422 (42201) if the registry finds it invalid
   */
  int register(String subject, Schema schema);

  /**
   * Looks up the id of a schema already registered under a subject, without registering it.
   *
   * @throws SchemaRegistryException 404 with 40401 (no such subject) or 40403 (not under it)
   */
  int idOf(String subject, Schema schema);

  /**
   * Returns the schema with the given id (cached forever: ids are immutable).
   *
   * @throws SchemaRegistryException 404 with 40403 if no schema has that id
   */
  Schema schemaById(int id);

  /**
   * Returns the latest version registered under a subject.
   *
   * @throws SchemaRegistryException 404 with 40401 if the subject does not exist
   */
  RegisteredSchema latest(String subject);

  /**
   * Checks whether a schema could be registered under a subject, given its compatibility level;
   * true for a subject without versions.
   */
  boolean isCompatible(String subject, Schema schema);

  /** Lists the subjects that have at least one live version. */
  List<String> subjects();

  /** Releases resources; the default does nothing. Never throws. */
  @Override
  default void close() {}
}
