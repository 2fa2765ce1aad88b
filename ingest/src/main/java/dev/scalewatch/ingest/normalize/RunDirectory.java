package dev.scalewatch.ingest.normalize;

import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The runs one stream task knows, by project and run id: a changelog-backed store with an in-memory
 * cache in front, by run id alone (most lookups are for a run the task just saw; a run id used by
 * two projects falls through to the store).
 *
 * <p>Runs are keyed by project and run id so that two projects using the same run id do not share
 * metadata. Store failures propagate (they fail the task). Not thread-safe: one per stream task.
 */
final class RunDirectory {

  /** Runs kept decoded in front of the store. */
  static final int CACHED_RUNS = 10_000;

  private final KeyValueStore<String, Run> store;
  private final Map<String, Run> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
          return size() > CACHED_RUNS;
        }
      };

  RunDirectory(KeyValueStore<String, Run> store) {
    this.store = store;
  }

  /** Returns the run, or null if this task has not seen it. */
  Run find(String project, String runId) {
    Run run = cache.get(runId);
    if (run != null && run.getProject().equals(project)) {
      return run;
    }
    run = store.get(key(project, runId));
    if (run != null) {
      cache.put(runId, run);
    }
    return run;
  }

  /** Remembers a run's newest metadata (replacing what was known). */
  void put(Run run) {
    store.put(key(run.getProject(), run.getRunId()), run);
    cache.put(run.getRunId(), run);
  }

  /**
   * Registers a run first seen through one of its events: status RUNNING, updated at the event
   * time.
   */
  Run register(String project, String runId, Instant eventTime) {
    Run run =
        Run.newBuilder()
            .setProject(project)
            .setRunId(runId)
            .setStatus(RunStatus.RUNNING)
            .setUpdatedAt(eventTime)
            .build();
    put(run);
    return run;
  }

  /** Store key: the project's length, a colon, the project, then the run id (unambiguous). */
  static String key(String project, String runId) {
    return project.length() + ":" + project + runId;
  }
}
