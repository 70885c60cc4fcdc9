package dev.glimpse.core.index;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A summary of an index, as of the searcher's current view.
 *
 * @param images number of indexed images
 * @param dimension vector dimension
 * @param sizeBytes total size of the index files on disk
 * @param model the model recorded in the index, if any
 * @param lastRun the summary the last indexing run committed ({@link VectorStore#commit(Map)}),
 *     empty if none
 */
public record IndexStats(
    long images,
    int dimension,
    long sizeBytes,
    Optional<ModelManifest> model,
    Map<String, String> lastRun) {

  /** Validates the values and copies the map. */
  public IndexStats {
    Objects.requireNonNull(model, "model");
    lastRun = Map.copyOf(lastRun);
  }
}
