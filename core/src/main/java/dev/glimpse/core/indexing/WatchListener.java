package dev.glimpse.core.indexing;

/** Hears about each batch a {@link FolderWatcher} ran. */
@FunctionalInterface
public interface WatchListener {
  /** A listener that ignores batches. */
  WatchListener NONE = b -> {};

  /** Called on the watcher's thread after a batch committed; keep it quick. */
  void batchDone(WatchBatch batch);
}
