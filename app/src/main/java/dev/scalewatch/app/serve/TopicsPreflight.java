package dev.scalewatch.app.serve;

import dev.scalewatch.app.embedded.StartRefusedException;
import dev.scalewatch.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Checks, before {@code serve} starts anything, that Kafka answers and that the topics it reads
 * exist, so that a wrong address or a deployment without a normalizer yet is one clear line rather
 * than a consumer's timeout deep inside the store sink.
 */
public final class TopicsPreflight {

  /** What serve reads: the normalized topics and the stream jobs' output. */
  static final List<String> READ =
      List.of(Topics.RUNS, Topics.METRICS, Topics.EVALS, Topics.FITS, Topics.ALERTS);

  private TopicsPreflight() {}

  /**
   * @throws StartRefusedException if no broker answers within {@code timeout} or a topic is missing
   */
  public static void require(String bootstrapServers, Duration timeout)
      throws InterruptedException {
    int millis = (int) timeout.toMillis();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis))) {
      Set<String> existing = admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS);
      List<String> missing = READ.stream().filter(t -> !existing.contains(t)).toList();
      if (!missing.isEmpty()) {
        throw new StartRefusedException(
            "topics "
                + missing
                + " do not exist on "
                + bootstrapServers
                + ": start 'scalewatch normalizer' (it creates them) before serve");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new StartRefusedException(
          "no Kafka broker answered at "
              + bootstrapServers
              + " within "
              + timeout.toSeconds()
              + " s (--bootstrap-servers): start Kafka or fix the address");
    }
  }
}
