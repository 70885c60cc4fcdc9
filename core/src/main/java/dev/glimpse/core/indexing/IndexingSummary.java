package dev.glimpse.core.indexing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of an indexing run.
 *
 * @param indexed newly encoded images
 * @param unchanged images already indexed with the same content
 * @param reused images whose vector came from an identical indexed file (moved, renamed, copied)
 * @param removed images removed because their files are gone
 * @param skipped count per reason
 * @param skippedFiles every skipped file, with its reason
 * @param elapsed wall time of the run
 * @param dryRun whether nothing was written
 */
public record IndexingSummary(
    long indexed,
    long unchanged,
    long reused,
    long removed,
    Map<SkipReason, Long> skipped,
    List<SkippedFile> skippedFiles,
    Duration elapsed,
    boolean dryRun) {

  public IndexingSummary {
    skipped = Map.copyOf(skipped);
    skippedFiles = List.copyOf(skippedFiles);
  }

  /** Total skipped files and folders. */
  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Newly encoded images per second of wall time. */
  public double imagesPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : indexed / s;
  }
}
