package dev.scalewatch.jobs.sweep;

import dev.scalewatch.laws.Metric;
import java.util.regex.Pattern;

/**
 * How a sweep's metric is oriented, from its name and values: losses, perplexities and error rates
 * are lower-is-better; other metrics (accuracy, exact match, BLEU) are scores, bounded by 1 when
 * every value is at most 1 and by 100 when at most 100. Stateless.
 */
final class Orientation {

  private static final Pattern LOWER_IS_BETTER =
      Pattern.compile("(?i).*(loss|perplexity|ppl|error|bpb|bits|nll|wer|cer).*");

  private Orientation() {}

  static Metric of(String metric, double maxValue) {
    if (LOWER_IS_BETTER.matcher(metric).matches()) {
      return Metric.lowerIsBetter();
    }
    if (maxValue <= 1) {
      return Metric.higherIsBetter(1);
    }
    if (maxValue <= 100) {
      return Metric.higherIsBetter(100);
    }
    return Metric.lowerIsBetter();
  }
}
