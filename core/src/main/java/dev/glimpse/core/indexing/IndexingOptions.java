package dev.glimpse.core.indexing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one indexing run works.
 *
 * @param roots folders to index; each is walked recursively
 * @param batchSize images per encoder call
 * @param decodeThreads decode and preprocess workers
 * @param includeHidden whether to descend into hidden folders and index hidden files
 * @param commitEvery commit after this many newly written images
 * @param commitInterval and at least this often while writing
 * @param dryRun only report what would change
 * @param maxFileBytes larger files are skipped without being read
 */
public record IndexingOptions(
    List<Path> roots,
    int batchSize,
    int decodeThreads,
    boolean includeHidden,
    int commitEvery,
    Duration commitInterval,
    boolean dryRun,
    long maxFileBytes) {

  /** Default images per commit. */
  public static final int DEFAULT_COMMIT_EVERY = 500;

  /** Default longest time between commits. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(30);

  /** Default largest file read: 512 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;

  /** Validates the values. */
  public IndexingOptions {
    roots = List.copyOf(roots);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no folders to index");
    }
    if (batchSize < 1 || batchSize > 1024) {
      throw new IllegalArgumentException("batch size must be in [1, 1024], got " + batchSize);
    }
    if (decodeThreads < 1 || decodeThreads > 256) {
      throw new IllegalArgumentException(
          "decode threads must be in [1, 256], got " + decodeThreads);
    }
    if (commitEvery < 1) {
      throw new IllegalArgumentException("commit interval must be positive, got " + commitEvery);
    }
    Objects.requireNonNull(commitInterval, "commitInterval");
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commit interval must be positive: " + commitInterval);
    }
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("max file size must be positive, got " + maxFileBytes);
    }
  }

  /** The same options for other roots, e.g. the folders a watcher saw change. */
  public IndexingOptions withRoots(List<Path> newRoots) {
    return new IndexingOptions(
        newRoots,
        batchSize,
        decodeThreads,
        includeHidden,
        commitEvery,
        commitInterval,
        dryRun,
        maxFileBytes);
  }

  /** Options with defaults for everything but the roots. */
  public static IndexingOptions defaults(List<Path> roots) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new IndexingOptions(
        roots,
        32,
        Math.max(1, cores),
        false,
        DEFAULT_COMMIT_EVERY,
        DEFAULT_COMMIT_INTERVAL,
        false,
        DEFAULT_MAX_FILE_BYTES);
  }
}
