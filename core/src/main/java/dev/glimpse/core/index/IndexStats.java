package dev.glimpse.core.index;

import java.util.Objects;
import java.util.Optional;

/**
 * A summary of an index, as of the searcher's current view.
 *
 * @param images number of indexed images
 * @param dimension vector dimension
 * @param sizeBytes total size of the index files on disk
 * @param model the model recorded in the index, if any
 * @param lastRun what the last indexing run committed ({@link VectorStore#commit(LastRun)}), empty
 *     if none
 */
public record IndexStats(
    long images,
    int dimension,
    long sizeBytes,
    Optional<ModelManifest> model,
    Optional<LastRun> lastRun) {

  /** Validates the values. */
  public IndexStats {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(lastRun, "lastRun");
  }
}
