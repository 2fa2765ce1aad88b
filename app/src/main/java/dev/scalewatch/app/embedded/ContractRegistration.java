package dev.scalewatch.app.embedded;

import dev.scalewatch.schemas.TopicSpec;
import dev.scalewatch.schemas.Topics;
import dev.scalewatch.schemas.registry.SchemaRegistryClient;

/**
 * Registers the contract's value schema of every data topic, so that ids exist before the first
 * producer and tools like {@code tail} can decode from the start. Registering an unchanged schema
 * returns its existing id, so this is a no-op on restart; a changed schema must pass the subject's
 * compatibility check or the stack refuses to start.
 */
public final class ContractRegistration {

  private ContractRegistration() {}

  public static void registerAll(SchemaRegistryClient client) {
    for (TopicSpec topic : Topics.DATA) {
      client.register(topic.valueSubject(), topic.valueSchema());
    }
  }
}
