package dev.scalewatch.app.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory, taken before anything in it is read or written, so a
 * second {@code up} on the same directory is refused before it touches the broker's metadata.
 *
 * <p>The lock is an OS file lock on {@code scalewatch.lock}: it is released when the process ends,
 * however it ends, so a crash never leaves a stale lock behind. The file holds the owner's pid for
 * the error message.
 */
public final class DataDirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "scalewatch.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (creating it if needed).
   *
   * @throws StartRefusedException if another process (or this one) holds it
   */
  public static DataDirectoryLock acquire(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String owner = readOwner(channel);
      channel.close();
      throw new StartRefusedException(
          "data directory "
              + directory.toAbsolutePath().normalize()
              + " is in use by another 'scalewatch up'"
              + (owner.isEmpty() ? "" : " (pid " + owner + ")")
              + ": stop it first, or give another --data-dir");
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(
            String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)),
        0);
    channel.force(false);
    return new DataDirectoryLock(channel, lock);
  }

  private static String readOwner(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
