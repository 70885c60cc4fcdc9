package dev.glimpse.core.indexing;

/**
 * A snapshot of a running index job, for progress displays.
 *
 * @param discovered files found so far
 * @param walkDone whether the folder walk has finished (so {@code discovered} is the total)
 * @param processed files dealt with (indexed, unchanged, reused or skipped)
 * @param indexed newly encoded images
 * @param skipped files skipped
 * @param elapsedNanos time since the run started
 */
public record IndexingProgress(
    long discovered,
    boolean walkDone,
    long processed,
    long indexed,
    long skipped,
    long elapsedNanos) {

  /** Newly encoded images per second so far. */
  public double imagesPerSecond() {
    return elapsedNanos <= 0 ? 0 : indexed / (elapsedNanos / 1e9);
  }

  /** Files processed per second so far. */
  public double filesPerSecond() {
    return elapsedNanos <= 0 ? 0 : processed / (elapsedNanos / 1e9);
  }

  /** Estimated seconds left, or -1 while unknown. */
  public long etaSeconds() {
    double rate = filesPerSecond();
    if (!walkDone || rate <= 0) {
      return -1;
    }
    return Math.round((discovered - processed) / rate);
  }
}
