package dev.glimpse.cli;

import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.IndexSettings;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Helpers around the {@code --index} folder. */
final class IndexOption {
  static final String DESCRIPTION =
      "Index folder (default: $GLIMPSE_INDEX, else $XDG_DATA_HOME/glimpse/index, else"
          + " ~/.local/share/glimpse/index).";

  private IndexOption() {}

  /** Whether a folder holds an index (a current generation, or a pre-generation index). */
  static boolean exists(Path dir) throws IOException {
    return IndexHome.at(dir).current().isPresent();
  }

  /** The model the current generation of an index records, if any. */
  static Optional<ModelManifest> recordedModel(Path dir) throws IOException {
    Optional<IndexHome.Generation> current = IndexHome.at(dir).current();
    if (current.isEmpty()) {
      return Optional.empty();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(current.get().dir(), dir)) {
      return store.manifest();
    }
  }

  /** The options an existing index remembers (roots, hidden files, pixel limit), if any. */
  static Optional<IndexSettings> recordedSettings(Path dir) throws IOException {
    Optional<IndexHome.Generation> current = IndexHome.at(dir).current();
    if (current.isEmpty()) {
      return Optional.empty();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(current.get().dir(), dir)) {
      return store.settings();
    }
  }

  /** Opens the current generation of an existing index for reading, or explains how to make one. */
  static LuceneVectorStore openExisting(Path dir) throws IOException, UsageException {
    Optional<IndexHome.Generation> current = IndexHome.at(dir).current();
    if (current.isEmpty()) {
      throw new UsageException(
          "no glimpse index at " + dir + "; create it with: glimpse index PHOTO_FOLDER");
    }
    return LuceneVectorStore.openReadOnly(current.get().dir(), dir);
  }

  /**
   * Loads exactly the model an index records (pinned commit or verified local folder, see {@link
   * ModelOptions#loadPinned}), as {@code search}, {@code similar} and {@code serve} need it.
   */
  static dev.glimpse.core.clip.ClipModel loadModel(
      LuceneVectorStore store,
      Path dir,
      dev.glimpse.core.clip.ClipOptions options,
      java.io.PrintWriter err,
      java.util.Map<String, String> env)
      throws IOException, UsageException {
    ModelManifest manifest =
        store
            .manifest()
            .orElseThrow(() -> new UsageException("the index at " + dir + " records no model"));
    return ModelOptions.loadPinned(manifest, options, err, env);
  }
}
