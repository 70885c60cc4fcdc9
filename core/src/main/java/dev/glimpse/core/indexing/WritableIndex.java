package dev.glimpse.core.indexing;

import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.VectorStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a {@link FolderWatcher} writes: the seam between the watcher and however the index folder
 * is laid out. The watcher asks for the {@link #location()} before every batch and opens the store
 * there only for the batch, so it holds no write lock while idle; when the location changes (a new
 * index generation), its next batch is a full rescan into the new location.
 */
public interface WritableIndex {
  /**
   * The folder the next batch writes to, e.g. the index generation a {@code CURRENT} pointer names.
   *
   * @return an absolute folder; never walked for photos
   * @throws IOException if the location cannot be read
   */
  Path location() throws IOException;

  /**
   * Opens the writable store at a location; the watcher closes it after the batch.
   *
   * @param location a value {@link #location()} returned
   * @return the store
   * @throws IOException if the store cannot be opened, e.g. another process holds its write lock
   */
  VectorStore open(Path location) throws IOException;

  /**
   * A plain index folder.
   *
   * @param dir the index folder
   * @param config how the store is opened (dimension, model, HNSW, quantisation)
   * @return the index
   */
  static WritableIndex at(Path dir, IndexConfig config) {
    Path location = dir.toAbsolutePath().normalize();
    return new WritableIndex() {
      @Override
      public Path location() {
        return location;
      }

      @Override
      public VectorStore open(Path at) throws IOException {
        return LuceneVectorStore.open(at, config);
      }
    };
  }

  /**
   * The current generation of an index folder ({@link IndexHome}): every batch writes to the
   * generation {@code CURRENT} names at that moment, with roots relative to the home. After a model
   * switch to another model the store refuses this configuration's model (the watcher's batches
   * then fail, and are retried, until it is restarted with the new model).
   *
   * @param home the index folder
   * @param config how the store is opened (dimension, model, HNSW, quantisation)
   * @return the index
   */
  static WritableIndex current(IndexHome home, IndexConfig config) {
    return new WritableIndex() {
      @Override
      public Path location() throws IOException {
        return home.createIfMissing().dir();
      }

      @Override
      public VectorStore open(Path at) throws IOException {
        return LuceneVectorStore.open(at, home.path(), config);
      }
    };
  }
}
