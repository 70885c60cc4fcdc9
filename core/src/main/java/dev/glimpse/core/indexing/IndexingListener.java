package dev.glimpse.core.indexing;

/** Receives progress snapshots about twice a second while an index job runs. */
@FunctionalInterface
public interface IndexingListener {
  /** A listener that ignores progress. */
  IndexingListener NONE = p -> {};

  /** Called from a reporter thread; keep it quick. */
  void progress(IndexingProgress progress);
}
