package dev.scalewatch.ingest.normalize;

import static dev.scalewatch.ingest.normalize.NormalizerDriver.T0;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.eval;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.point;
import static dev.scalewatch.ingest.normalize.NormalizerDriver.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.scalewatch.schemas.DeadLetter;
import dev.scalewatch.schemas.EvalResult;
import dev.scalewatch.schemas.MetricPoint;
import dev.scalewatch.schemas.Run;
import dev.scalewatch.schemas.RunStatus;
import dev.scalewatch.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NormalizerTopologyTest {

  private final NormalizerDriver d = new NormalizerDriver();

  @AfterEach
  void close() {
    d.close();
  }

  @Test
  void shouldWriteValidPointKeyedByRunIdWithEventTimeAsTimestamp() {
    MetricPoint sent = point("r1", 10, 2.5).build();
    d.send("r1", sent);

    TestRecord<String, MetricPoint> out = d.metrics.readRecord();
    assertThat(out.key()).isEqualTo("r1");
    assertThat(out.timestamp()).isEqualTo(T0.plusSeconds(10).toEpochMilli());
    assertThat(out.value().getStep()).isEqualTo(10);
    assertThat(out.value().getValue()).isEqualTo(2.5);
    assertThat(out.headers().lastHeader(NormalizerTopology.NON_FINITE_HEADER)).isNull();
    assertThat(d.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldPassNanAndInfiniteValuesFlaggedWithHeader() {
    d.send("r1", point("r1", 1, Double.NaN).build());
    d.send("r1", point("r1", 2, Double.POSITIVE_INFINITY).build());
    d.send("r1", eval("r1", 3, Double.NEGATIVE_INFINITY).build());

    List<TestRecord<String, MetricPoint>> points = d.allMetrics();
    assertThat(points)
        .extracting(r -> r.value().getValue())
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY);
    assertThat(points)
        .allSatisfy(
            r ->
                assertThat(flag(r.headers().lastHeader(NormalizerTopology.NON_FINITE_HEADER)))
                    .isEqualTo("true"));
    TestRecord<String, EvalResult> evalOut = d.evals.readRecord();
    assertThat(evalOut.value().getValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(flag(evalOut.headers().lastHeader(NormalizerTopology.NON_FINITE_HEADER)))
        .isEqualTo("true");
  }

  @Test
  void shouldReportHowLongTheRecordsReadHadWaitedSinceArrival() {
    assertThat(Normalizer.delayMillis(d.driver.metrics())).isZero();

    Instant arrived = Instant.now().minus(Duration.ofHours(30));
    d.raw.pipeInput(
        new TestRecord<>(
            NormalizerDriver.key("r1"), d.encode(point("r1", 1, 2.0).build()), arrived));

    assertThat(Normalizer.delayMillis(d.driver.metrics()))
        .isBetween(Duration.ofHours(29).toMillis(), Duration.ofHours(31).toMillis());
  }

  @Test
  void shouldDropExactRepeatOfPoint() {
    d.send("r1", point("r1", 5, 1.25).build());
    d.send("r1", point("r1", 5, 1.25).build());

    assertThat(d.allMetrics()).hasSize(1);
  }

  @Test
  void shouldDropRepeatedNanAsDuplicate() {
    d.send("r1", point("r1", 5, Double.NaN).build());
    d.send("r1", point("r1", 5, Double.longBitsToDouble(0x7ff8000000000123L)).build());

    assertThat(d.allMetrics()).hasSize(1);
  }

  @Test
  void shouldKeepDifferentValueAtSameStep() {
    d.send("r1", point("r1", 5, 1.25).build());
    d.send("r1", point("r1", 5, 1.5).build());
    d.send("r1", point("r1", 5, Double.NaN).build());

    assertThat(d.allMetrics())
        .extracting(r -> r.value().getValue())
        .containsExactly(1.25, 1.5, Double.NaN);
  }

  @Test
  void shouldTellPointsApartByRunMetricSplitAndProject() {
    d.send("r1", point("r1", 5, 1.0).build());
    d.send("r2", point("r2", 5, 1.0).build());
    d.send("r1", point("r1", 5, 1.0).setMetric("grad_norm").build());
    d.send("r1", point("r1", 5, 1.0).setSplit("validation").build());
    d.send("r1", point("r1", 5, 1.0).setProject("other").build());
    d.send("r1", point("r1", 6, 1.0).build());

    assertThat(d.allMetrics()).hasSize(6);
  }

  @Test
  void shouldDropExactRepeatOfEvalButKeepOtherShots() {
    d.send("r1", eval("r1", 100, 0.5).setShots(0).build());
    d.send("r1", eval("r1", 100, 0.5).setShots(0).build());
    d.send("r1", eval("r1", 100, 0.5).setShots(5).build());
    d.send("r1", eval("r1", 100, 0.5).setTask("hellaswag").build());

    assertThat(d.evals.readValuesToList())
        .extracting(EvalResult::getTask, EvalResult::getShots)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("winogrande", 0),
            org.assertj.core.groups.Tuple.tuple("winogrande", 5),
            org.assertj.core.groups.Tuple.tuple("hellaswag", null));
  }

  @Test
  void shouldForgetLeastRecentlySeenKeyPastTheDedupBound() {
    try (NormalizerDriver small = new NormalizerDriver(2)) {
      small.send("r1", point("r1", 1, 1.0).build());
      small.send("r1", point("r1", 2, 1.0).build());
      small.send("r1", point("r1", 3, 1.0).build());
      small.send("r1", point("r1", 3, 1.0).build());
      small.send("r1", point("r1", 1, 1.0).build());

      assertThat(small.allMetrics())
          .extracting(r -> r.value().getStep())
          .containsExactly(1L, 2L, 3L, 1L);
    }
  }

  @Test
  void shouldBackDedupStoreWithChangelogByDefault() {
    d.send("r1", point("r1", 1, 1.0).build());

    assertThat(d.driver.producedTopicNames()).contains("normalizer-test-dedup-changelog");
  }

  @Test
  void shouldStillDropRepeatsWithoutDedupChangelog() {
    try (NormalizerDriver unlogged = new NormalizerDriver(1_000, false)) {
      unlogged.send("r1", point("r1", 1, 1.0).build());
      unlogged.send("r1", point("r1", 1, 1.0).build());

      assertThat(unlogged.allMetrics()).hasSize(1);
      assertThat(unlogged.driver.producedTopicNames())
          .doesNotContain("normalizer-test-dedup-changelog")
          .contains("normalizer-test-runs-changelog");
    }
  }

  @Test
  void shouldAutoRegisterUnknownRunOnceAsRunning() {
    d.send("r1", point("r1", 7, 3.0).build());
    d.send("r1", point("r1", 8, 2.9).build());
    d.send("r1", eval("r1", 8, 0.3).build());

    List<TestRecord<String, Run>> registered = d.runs.readRecordsToList();
    assertThat(registered)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("p/r1");
              assertThat(r.timestamp()).isEqualTo(T0.plusSeconds(7).toEpochMilli());
              assertThat(r.value().getProject()).isEqualTo("p");
              assertThat(r.value().getRunId()).isEqualTo("r1");
              assertThat(r.value().getStatus()).isEqualTo(RunStatus.RUNNING);
              assertThat(r.value().getUpdatedAt()).isEqualTo(T0.plusSeconds(7));
            });
    assertThat(d.allMetrics()).hasSize(2);
  }

  @Test
  void shouldWriteRunWithUpdateTimeAsTimestampAndNotRegisterItAgain() {
    d.send("r1", run("r1").setStatus(RunStatus.PLANNED).setParameters(1_000L).build());
    d.send("r1", point("r1", 1, 3.0).build());

    TestRecord<String, Run> out = d.runs.readRecord();
    assertThat(out.key()).isEqualTo("p/r1");
    assertThat(out.timestamp()).isEqualTo(T0.minusSeconds(60).toEpochMilli());
    assertThat(out.value().getStatus()).isEqualTo(RunStatus.PLANNED);
    assertThat(d.runs.isEmpty()).isTrue();
  }

  @Test
  void shouldEnrichWithNonEmbeddingParametersAndDeriveFlops() {
    d.send(
        "r1",
        run("r1").setParameters(1_500_000_000L).setNonEmbeddingParameters(1_300_000_000L).build());
    d.send("r1", point("r1", 100, 2.0).setTokensSeen(4_000_000L).build());
    d.send("r1", eval("r1", 100, 0.4).setTokensSeen(4_000_000L).build());

    MetricPoint point = d.metrics.readValue();
    assertThat(point.getParameters()).isEqualTo(1_300_000_000L);
    assertThat(point.getFlops()).isEqualTo(6.0 * 1_300_000_000L * 4_000_000L);
    EvalResult eval = d.evals.readValue();
    assertThat(eval.getParameters()).isEqualTo(1_300_000_000L);
    assertThat(eval.getFlops()).isEqualTo(6.0 * 1_300_000_000L * 4_000_000L);
  }

  @Test
  void shouldFallBackToTotalParametersWhenNonEmbeddingUnknown() {
    d.send("r1", run("r1").setParameters(70_000_000L).build());
    d.send("r1", point("r1", 10, 2.0).setTokensSeen(1_000L).build());

    MetricPoint point = d.metrics.readValue();
    assertThat(point.getParameters()).isEqualTo(70_000_000L);
    assertThat(point.getFlops()).isEqualTo(4.2e11);
  }

  @Test
  void shouldKeepGivenFlopsAndParameters() {
    d.send("r1", run("r1").setParameters(70_000_000L).build());
    d.send("r1", point("r1", 10, 2.0).setFlops(123.0).build());
    d.send("r1", point("r1", 11, 2.0).setParameters(5L).setTokensSeen(10L).build());

    List<MetricPoint> points = d.metrics.readValuesToList();
    assertThat(points.get(0).getFlops()).isEqualTo(123.0);
    assertThat(points.get(1).getParameters()).isEqualTo(5L);
    assertThat(points.get(1).getFlops()).isEqualTo(300.0);
  }

  @Test
  void shouldLeaveFlopsNullWhenParametersOrTokensUnknown() {
    d.send("r1", point("r1", 10, 2.0).build());
    d.send("r2", run("r2").setParameters(1_000L).build());
    d.send("r2", point("r2", 10, 2.0).setTokensSeen(null).build());

    List<MetricPoint> points = d.metrics.readValuesToList();
    assertThat(points.get(0).getParameters()).isNull();
    assertThat(points.get(0).getFlops()).isNull();
    assertThat(points.get(1).getParameters()).isEqualTo(1_000L);
    assertThat(points.get(1).getTokensSeen()).isNull();
    assertThat(points.get(1).getFlops()).isNull();
  }

  @Test
  void shouldUseNewestRunMetadataForLaterPoints() {
    d.send("r1", point("r1", 1, 3.0).build());
    d.send("r1", run("r1").setParameters(2_000L).build());
    d.send("r1", point("r1", 2, 2.9).build());

    assertThat(d.metrics.readValuesToList())
        .extracting(MetricPoint::getParameters)
        .containsExactly(null, 2_000L);
    assertThat(d.runs.readValuesToList())
        .extracting(Run::getParameters)
        .containsExactly(null, 2_000L);
  }

  @Test
  void shouldNotShareMetadataBetweenProjectsUsingTheSameRunId() {
    d.send("r1", run("r1").setProject("a").setParameters(2_000L).build());
    d.send("r1", point("r1", 1, 3.0).setProject("b").build());

    assertThat(d.metrics.readValue().getParameters()).isNull();
    assertThat(d.runs.readValuesToList()).extracting(Run::getProject).containsExactly("a", "b");
  }

  @Test
  void shouldKeyRunsByProjectAndRunIdSoTwoProjectsSharingARunIdKeepBothAndEnrichTheirOwn() {
    d.send("r1", run("r1").setProject("alpha").setParameters(100L).build());
    d.send("r1", run("r1").setProject("beta").setParameters(200L).build());
    d.send("r1", point("r1", 1, 3.0).setProject("alpha").setTokensSeen(1L).build());
    d.send("r1", point("r1", 1, 3.0).setProject("beta").setTokensSeen(1L).build());
    d.send("r1", point("r1", 1, 3.0).setProject("gamma/x").build());

    assertThat(d.runs.readRecordsToList())
        .extracting(r -> r.key() + "=" + r.value().getParameters())
        .containsExactly("alpha/r1=100", "beta/r1=200", "gamma%2Fx/r1=null");
    assertThat(d.metrics.readValuesToList())
        .extracting(p -> p.getProject() + ":" + p.getParameters() + ":" + p.getFlops())
        .containsExactly("alpha:100:600.0", "beta:200:1200.0", "gamma/x:null:null");
  }

  @Test
  void shouldDeadLetterInvalidPointWithReasonOriginalBytesAndSourcePosition() {
    d.send("r1", point("r1", 1, 3.0).build());
    byte[] bad = d.encode(point("r1", -3, 3.0).build());
    d.sendBytes(NormalizerDriver.key("r1"), bad);

    TestRecord<byte[], DeadLetter> letter = d.deadLetters.readRecord();
    assertThat(letter.key()).isEqualTo(NormalizerDriver.key("r1"));
    assertThat(letter.timestamp()).isEqualTo(NormalizerDriver.PRODUCED_AT.toEpochMilli());
    DeadLetter dead = letter.value();
    assertThat(dead.getReason()).isEqualTo("invalid MetricPoint: step must be >= 0: -3");
    assertThat(dead.getSourceTopic()).isEqualTo(Topics.RAW);
    assertThat(dead.getPartition()).isZero();
    assertThat(dead.getOffset()).isEqualTo(1L);
    assertThat(bytes(dead.getValue())).isEqualTo(bad);
    assertThat(bytes(dead.getKey())).isEqualTo(NormalizerDriver.key("r1"));
    assertThat(d.allMetrics()).hasSize(1);
  }

  @Test
  void shouldLeaveOriginalBytesOutOfDeadLetterPastTheProducerLimit() {
    byte[] huge = new byte[NormalizeProcessor.MAX_ORIGINAL_BYTES];
    huge[0] = 7;
    d.sendBytes(NormalizerDriver.key("r1"), huge);
    d.send("r1", point("r1", 1, 3.0).build());

    TestRecord<byte[], DeadLetter> letter = d.deadLetters.readRecord();
    assertThat(letter.key()).isNull();
    assertThat(letter.value().getKey()).isNull();
    assertThat(letter.value().getValue()).isNull();
    assertThat(letter.value().getReason())
        .isEqualTo(
            "unknown magic byte 7 (expected 0): not the Confluent wire "
                + "format; was it written by a plain Avro, JSON or string producer?; original key and value (1040002 bytes) "
                + "left out of this dead letter (limit 1040000, the producer's request limit): read them at scalewatch.raw "
                + "partition 0 offset 0");
    assertThat(d.allMetrics()).hasSize(1);
  }

  @Test
  void shouldNameEveryBrokenRuleInOneDeadLetter() {
    d.send("r1", point("r1", -1, 1.0).setMetric(" ").setFlops(-1.0).build());

    assertThat(d.deadLetters.readValue().getReason())
        .isEqualTo(
            "invalid MetricPoint: step must be >= 0: -1; flops must be >= 0: -1.0; metric must not be blank: ' '");
  }

  @Test
  void shouldNotRememberDeadLetteredPointForDedup() {
    d.send("other", point("r1", 1, 3.0).build());
    d.send("r1", point("r1", 1, 3.0).build());

    assertThat(d.deadLetters.readValuesToList()).hasSize(1);
    assertThat(d.allMetrics()).hasSize(1);
  }

  static String flag(Header header) {
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
