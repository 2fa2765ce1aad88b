package dev.scalewatch.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the newest complete checkpoint a job left in its checkpoint folder ({@code <folder>/<job
 * id>/chk-<n>/_metadata}); a checkpoint cut short by a crash has no {@code _metadata} and is passed
 * over. Stateless.
 */
public final class Checkpoints {

  private Checkpoints() {}

  /** The newest complete checkpoint under {@code folder}, if any. */
  public static Optional<Path> latest(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(folder)) {
      return jobs.filter(Files::isDirectory)
          .flatMap(Checkpoints::completed)
          .max(Comparator.comparing(Checkpoints::modified))
          .map(Path::getParent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + folder, e);
    }
  }

  private static Stream<Path> completed(Path jobFolder) {
    try (Stream<Path> entries = Files.list(jobFolder)) {
      return entries
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .map(p -> p.resolve("_metadata"))
          .filter(Files::isRegularFile)
          .toList()
          .stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + jobFolder, e);
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
