package dev.glimpse.core.hub;

/**
 * Receives progress reports while hub files are downloaded.
 *
 * <p>Reports are throttled by the caller; implementations should still be cheap. Files already in
 * the cache produce no reports.
 */
@FunctionalInterface
public interface DownloadProgress {

  /** A listener that ignores every report. */
  DownloadProgress NONE = (file, done, total) -> {};

  /**
   * Reports the state of one download.
   *
   * @param file the file name inside the repository, e.g. {@code model.safetensors}
   * @param done bytes present so far, including bytes resumed from an earlier attempt
   * @param total the full size in bytes, or {@code -1} when unknown
   */
  void update(String file, long done, long total);
}
