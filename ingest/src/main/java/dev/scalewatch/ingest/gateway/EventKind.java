package dev.scalewatch.ingest.gateway;

import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import org.apache.avro.specific.SpecificRecord;

/** The three kinds of event the gateway takes, each on its own batch endpoint. */
enum EventKind {
  RUNS("/v1/runs", Run.class),
  METRICS("/v1/metrics", MetricPoint.class),
  EVALS("/v1/evals", EvalResult.class);

  final String path;
  final Class<? extends SpecificRecord> type;

  EventKind(String path, Class<? extends SpecificRecord> type) {
    this.path = path;
    this.type = type;
  }
}
