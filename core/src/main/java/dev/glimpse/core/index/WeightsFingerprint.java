package dev.glimpse.core.index;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Identifies the weights of a local model folder by content, so that an index can refuse to encode
 * queries with weights other than those its vectors came from.
 *
 * <p>The weights files are the folder's top-level {@code *.safetensors} files (one file or the
 * shards) and {@code model.safetensors.index.json}. The digest is {@code sha256:} followed by the
 * SHA-256 of one line {@code name NUL sha256(content)} per file, in name order.
 *
 * <p>Hashing hundreds of megabytes on every search is too slow, so each file's size and
 * modification time are recorded as well and, as in git's index, a file whose size and time are
 * unchanged is trusted without reading it. A file touched without change is re-hashed and accepted.
 * A file modified within {@link #RACY_WINDOW_MILLIS} of being fingerprinted could change again
 * within the file system's timestamp granularity unnoticed (git's "racily clean" entries), so its
 * time is recorded as {@link #UNKNOWN_MTIME} and it is re-hashed on every check.
 *
 * @param digest {@code sha256:} and 64 hex digits
 * @param files the weights files, sorted by name
 */
public record WeightsFingerprint(String digest, List<WeightsFile> files) {

  /** The prefix that tells a fingerprint from a hub commit in {@link ModelManifest#revision()}. */
  public static final String PREFIX = "sha256:";

  /** The modification time recorded for a file that must always be re-hashed. */
  public static final long UNKNOWN_MTIME = -1;

  /** Files modified this recently when fingerprinted get {@link #UNKNOWN_MTIME}. */
  static final long RACY_WINDOW_MILLIS = 2_000;

  private static final String SHARD_INDEX = "model.safetensors.index.json";

  /**
   * What is recorded of one weights file.
   *
   * @param name file name inside the model folder (no {@code /})
   * @param size size in bytes
   * @param mtime last-modified time, epoch milliseconds, or {@link #UNKNOWN_MTIME}
   */
  public record WeightsFile(String name, long size, long mtime) {
    /** Validates the values. */
    public WeightsFile {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
        throw new IllegalArgumentException("invalid weights file name '" + name + "'");
      }
      if (size < 0) {
        throw new IllegalArgumentException("negative size " + size + " of " + name);
      }
    }
  }

  /** Validates the values. */
  public WeightsFingerprint {
    Objects.requireNonNull(digest, "digest");
    if (!isFingerprint(digest)) {
      throw new IllegalArgumentException(
          "weights fingerprint '" + digest + "' is not sha256: and 64 hex digits");
    }
    files = List.copyOf(files);
  }

  /** Whether a recorded revision is a fingerprint (rather than a hub commit). */
  public static boolean isFingerprint(String revision) {
    return revision.startsWith(PREFIX)
        && revision.substring(PREFIX.length()).matches("[0-9a-f]{64}");
  }

  /**
   * Hashes the weights files of a model folder.
   *
   * @param folder the model folder
   * @return the fingerprint
   * @throws IOException if the folder cannot be listed or a file read
   */
  public static WeightsFingerprint of(Path folder) throws IOException {
    return of(folder, Instant.now());
  }

  static WeightsFingerprint of(Path folder, Instant now) throws IOException {
    List<Path> weights = weightsFiles(folder);
    List<WeightsFile> files = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    for (Path file : weights) {
      long mtime = mtime(file);
      long size = Files.size(file);
      String hash = ContentHash.of(file);
      // a write that raced the hashing shows as a newer time or another size: hash again later
      boolean racy =
          mtime >= now.toEpochMilli() - RACY_WINDOW_MILLIS
              || mtime != mtime(file)
              || size != Files.size(file);
      String name = file.getFileName().toString();
      files.add(new WeightsFile(name, size, racy ? UNKNOWN_MTIME : mtime));
      lines.append(name).append('\0').append(hash).append('\n');
    }
    String digest = PREFIX + ContentHash.of(lines.toString().getBytes(StandardCharsets.UTF_8));
    return new WeightsFingerprint(digest, files);
  }

  /**
   * Checks that a folder still holds these weights, reading files only when their size or time
   * changed.
   *
   * @param folder the model folder
   * @return the folder's fingerprint now: this one when no file's size or time changed, else a
   *     fresh one (same digest, current sizes and times) when the content is unchanged
   * @throws WeightsChangedException when the folder is gone or its weights differ
   * @throws IOException if a file cannot be read
   */
  public WeightsFingerprint verify(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new WeightsChangedException(
          "model folder "
              + folder
              + ", which the index was built with, does not exist (any more). Restore it.");
    }
    if (statsMatch(folder)) {
      return this;
    }
    WeightsFingerprint now = of(folder);
    if (!now.digest.equals(digest)) {
      throw new WeightsChangedException(
          "the weights in model folder "
              + folder
              + " changed since the index was built (recorded "
              + digest
              + ", now "
              + now.digest
              + "); query vectors would not match the indexed ones. Restore the weights.");
    }
    return now;
  }

  private boolean statsMatch(Path folder) throws IOException {
    List<Path> current = weightsFiles(folder);
    if (current.size() != files.size()) {
      return false;
    }
    for (int i = 0; i < files.size(); i++) {
      WeightsFile recorded = files.get(i);
      Path file = current.get(i);
      if (recorded.mtime() == UNKNOWN_MTIME
          || !file.getFileName().toString().equals(recorded.name())
          || Files.size(file) != recorded.size()
          || mtime(file) != recorded.mtime()) {
        return false;
      }
    }
    return true;
  }

  /** The weights files of a folder, sorted by name (symbolic links followed). */
  static List<Path> weightsFiles(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(
              p -> {
                String name = p.getFileName().toString();
                return (name.endsWith(".safetensors") || name.equals(SHARD_INDEX))
                    && Files.isRegularFile(p);
              })
          .sorted()
          .toList();
    } catch (NoSuchFileException e) {
      throw new WeightsChangedException("model folder " + folder + " does not exist", e);
    }
  }

  private static long mtime(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toMillis();
  }
}
