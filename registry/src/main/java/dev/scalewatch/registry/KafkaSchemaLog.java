package dev.scalewatch.registry;

import dev.scalewatch.schemas.registry.ErrorCodes;
import dev.scalewatch.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A {@link SchemaLog} in a compacted single-partition Kafka topic.
 *
 * <p>The topic is created if missing (1 partition, the broker's default replication factor, {@code
 * cleanup.policy=compact}). {@link #replay} reads partition 0 from the beginning to the end offset
 * taken when it starts; it assumes this registry is the only writer. {@link #append} waits for the
 * broker's acknowledgement ({@code acks=all}, idempotent). Failures become {@link
 * SchemaRegistryException} with error code 50001. Thread-safe.
 */
final class KafkaSchemaLog implements SchemaLog {

  private final String bootstrapServers;
  private final String topic;
  private final Duration timeout;
  private final TopicPartition partition;
  private final KafkaProducer<String, String> producer;

  KafkaSchemaLog(String bootstrapServers, String topic, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.timeout = timeout;
    this.partition = new TopicPartition(topic, 0);
    ensureTopic();
    this.producer =
        new KafkaProducer<>(producerProperties(), new StringSerializer(), new StringSerializer());
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "scalewatch-registry-replay");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw storeError(
              String.format(
                  Locale.ROOT,
                  "reading topic '%s' did not reach end offset %d within %s "
                      + "(at %d): is the broker at %s healthy?",
                  topic,
                  end,
                  timeout,
                  consumer.position(partition),
                  bootstrapServers),
              null);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() != null) {
            sink.accept(new LogRecord(record.key(), record.value()));
          }
        }
      }
    } catch (SchemaRegistryException e) {
      throw e;
    } catch (RuntimeException e) {
      throw storeError(
          "cannot read topic '" + topic + "' from " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void append(LogRecord record) {
    try {
      producer
          .send(new ProducerRecord<>(topic, 0, record.key(), record.value()))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw storeError("interrupted while writing to topic '" + topic + "'", e);
    } catch (ExecutionException | TimeoutException e) {
      throw storeError(
          String.format(
              Locale.ROOT,
              "cannot write to topic '%s' at %s within %s: %s",
              topic,
              bootstrapServers,
              timeout,
              e.getCause() == null ? e : e.getCause()),
          e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void ensureTopic() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "scalewatch-registry-admin");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(props)) {
      if (admin
          .listTopics()
          .names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic)) {
        return;
      }
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw storeError(
            "cannot create topic '" + topic + "' at " + bootstrapServers + ": " + e.getCause(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw storeError("interrupted while creating topic '" + topic + "'", e);
    } catch (TimeoutException e) {
      throw storeError(
          String.format(
              Locale.ROOT,
              "cannot reach the broker at %s within %s to create topic '%s'",
              bootstrapServers,
              timeout,
              topic),
          e);
    }
  }

  private Properties producerProperties() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "scalewatch-registry");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 30_000));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    return props;
  }

  private static SchemaRegistryException storeError(String message, Throwable cause) {
    return new SchemaRegistryException(500, ErrorCodes.STORE_ERROR, message, cause);
  }
}
