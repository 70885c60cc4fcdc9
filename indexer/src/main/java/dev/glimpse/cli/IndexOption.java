package dev.glimpse.cli;

import dev.glimpse.core.index.IndexSettings;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Helpers around the {@code --index} folder. */
final class IndexOption {
  static final String DESCRIPTION =
      "Index folder (default: $GLIMPSE_INDEX, else $XDG_DATA_HOME/glimpse/index, else"
          + " ~/.local/share/glimpse/index).";

  private IndexOption() {}

  /** Whether a folder holds a Lucene index (a {@code segments_N} file). */
  static boolean exists(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
    }
  }

  /** The model an existing index records, if any. */
  static Optional<ModelManifest> recordedModel(Path dir) throws IOException {
    if (!exists(dir)) {
      return Optional.empty();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      return store.manifest();
    }
  }

  /** The options an existing index remembers (roots, hidden files, pixel limit), if any. */
  static Optional<IndexSettings> recordedSettings(Path dir) throws IOException {
    if (!exists(dir)) {
      return Optional.empty();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      return store.settings();
    }
  }

  /** Opens an existing index for reading, or explains how to make one. */
  static LuceneVectorStore openExisting(Path dir) throws IOException, UsageException {
    if (!exists(dir)) {
      throw new UsageException(
          "no glimpse index at " + dir + "; create it with: glimpse index PHOTO_FOLDER");
    }
    return LuceneVectorStore.openReadOnly(dir);
  }

  /** Loads the model an index records, as `search`, `similar` and `serve` need it. */
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
    return ModelOptions.load(manifest.modelId(), options, err, env).model();
  }

  /** Deletes an index's files (only in a folder that holds an index), for {@code --reindex}. */
  static void wipe(Path dir) throws IOException {
    if (!exists(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Files.deleteIfExists(f);
    }
  }
}
