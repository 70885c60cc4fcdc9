package dev.glimpse.core.indexing;

import java.nio.file.Path;
import java.util.List;

/**
 * One run of a {@link FolderWatcher}.
 *
 * @param folders the folders walked (the changed ones, or every root)
 * @param fullRescan whether every root was walked (at start, periodically, after dropped events or
 *     a new index location)
 * @param summary what the run did
 */
public record WatchBatch(List<Path> folders, boolean fullRescan, IndexingSummary summary) {
  public WatchBatch {
    folders = List.copyOf(folders);
  }
}
