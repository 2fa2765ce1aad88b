package dev.scalewatch.ingest.gateway;

import java.util.List;

/**
 * The gateway's answer to a batch: how many events were accepted and, for the rest, why not.
 *
 * @param accepted events produced to the raw topic
 * @param errors one entry per rejected event (or one for the whole request, with a null index)
 */
public record BatchResult(int accepted, List<Error> errors) {

  /** Why one event (index in the batch, or null for the whole request) was rejected. */
  public record Error(Integer index, String field, String message) {}

  public static BatchResult rejected(String field, String message) {
    return new BatchResult(0, List.of(new Error(null, field, message)));
  }
}
