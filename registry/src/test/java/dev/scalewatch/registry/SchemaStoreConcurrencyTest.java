package dev.scalewatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Concurrent registrations of one schema give one id and one version. */
class SchemaStoreConcurrencyTest {

  @Test
  void shouldGiveOneIdAndOneVersionToConcurrentRegistrationsOfOneSchema() throws Exception {
    SchemaLog log = SchemaLog.inMemory();
    SchemaStore store = new SchemaStore(log);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> ids = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String subject = "s" + (i % 4) + "-value";
        ids.add(pool.submit(() -> store.register(subject, Schemas.V1)));
      }
      Set<Integer> distinct = new HashSet<>();
      for (Future<Integer> id : ids) {
        distinct.add(id.get());
      }

      assertThat(distinct).hasSize(1);
      assertThat(store.subjects(false)).hasSize(4);
      assertThat(store.versions("s0-value", false)).containsExactly(1);
      assertThat(new SchemaStore(log).versions("s3-value", false)).containsExactly(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
