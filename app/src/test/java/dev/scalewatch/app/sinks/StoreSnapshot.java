package dev.scalewatch.app.sinks;

import dev.scalewatch.schemas.Alert;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.Fit;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.Topics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The natural keys of every row of a store and the sink's offsets, read in one repeatable-read
 * transaction: the sink commits rows and offsets together, so the rows are exactly those of the
 * records below the offsets. Keys are written the same way for a topic's records ({@link #keyOf}).
 *
 * @param nextOffsets the next offset the sink reads, by partition
 * @param keysByTopic the rows' natural keys, by the topic their records come from
 */
record StoreSnapshot(Map<TopicPartition, Long> nextOffsets, Map<String, Set<String>> keysByTopic) {

  private static final Map<String, String> KEYS_BY_TOPIC =
      Map.of(
          Topics.RUNS,
          "SELECT project || '|' || run_id FROM runs",
          Topics.METRICS,
          "SELECT project || '|' || run_id || '|' || metric || '|' || split || '|' || step"
              + " FROM metric_points",
          Topics.EVALS,
          "SELECT project || '|' || run_id || '|' || task || '|' || metric || '|' || shots"
              + " || '|' || step FROM eval_results",
          Topics.FITS,
          "SELECT project || '|' || fit_key || '|' || sequence FROM fits",
          Topics.ALERTS,
          "SELECT alert_id || '|' || state FROM alerts");

  static StoreSnapshot read(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try (Statement statement = connection.createStatement()) {
      Map<TopicPartition, Long> offsets = new HashMap<>();
      try (ResultSet rows =
          statement.executeQuery("SELECT topic, kafka_partition, next_offset FROM sink_offsets")) {
        while (rows.next()) {
          offsets.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
        }
      }
      Map<String, Set<String>> keys = new TreeMap<>();
      for (var query : KEYS_BY_TOPIC.entrySet()) {
        Set<String> topicKeys = new TreeSet<>();
        try (ResultSet rows = statement.executeQuery(query.getValue())) {
          while (rows.next()) {
            topicKeys.add(rows.getString(1));
          }
        }
        keys.put(query.getKey(), topicKeys);
      }
      connection.commit();
      return new StoreSnapshot(offsets, keys);
    }
  }

  /** The natural key the store gives this record, written as {@link #read} writes it. */
  static String keyOf(Object record) {
    if (record instanceof Run run) {
      return run.getProject() + "|" + run.getRunId();
    }
    if (record instanceof MetricPoint point) {
      return String.join(
          "|",
          point.getProject(),
          point.getRunId(),
          point.getMetric(),
          point.getSplit(),
          String.valueOf(point.getStep()));
    }
    if (record instanceof EvalResult eval) {
      return String.join(
          "|",
          eval.getProject(),
          eval.getRunId(),
          eval.getTask(),
          eval.getMetric(),
          String.valueOf(eval.getShots() == null ? -1 : eval.getShots()),
          String.valueOf(eval.getStep()));
    }
    if (record instanceof Fit fit) {
      return fit.getProject() + "|" + fit.getKey() + "|" + fit.getSequence();
    }
    if (record instanceof Alert alert) {
      return alert.getId() + "|" + alert.getState();
    }
    throw new IllegalArgumentException("not a stored record: " + record.getClass().getName());
  }

  /** The topic a record of this kind is read from. */
  static String topicOf(Object record) {
    if (record instanceof Run) {
      return Topics.RUNS;
    }
    if (record instanceof MetricPoint) {
      return Topics.METRICS;
    }
    if (record instanceof EvalResult) {
      return Topics.EVALS;
    }
    throw new IllegalArgumentException("not an ingested record: " + record.getClass().getName());
  }
}
