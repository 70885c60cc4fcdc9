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
  /**
   * The folders one per line ({@code %n}): picocli may break a line inside a path at its dot ("~/."
   * / "local"), which no rewording avoids at every column width.
   */
  static final String DESCRIPTION =
      "Index folder. Default, the first that is set:%n  $GLIMPSE_INDEX%n"
          + "  $XDG_DATA_HOME/glimpse/index%n  ~/.local/share/glimpse/index";

  private IndexOption() {}

  /** Whether a folder holds an index (a current generation, or a pre-generation index). */
  static boolean exists(Path dir) throws IOException {
    return IndexHome.at(dir).current().isPresent();
  }

  /**
   * What the current generation of an index records: the model and the remembered options.
   *
   * @param model the model its vectors came from, if recorded
   * @param settings its roots, hidden-files and pixel-limit options, if recorded
   */
  record Recorded(Optional<ModelManifest> model, Optional<IndexSettings> settings) {
    static final Recorded NONE = new Recorded(Optional.empty(), Optional.empty());
  }

  /** What the current generation of an index records (nothing when there is no index yet). */
  static Recorded recorded(Path dir) throws IOException {
    Optional<IndexHome.Generation> current = IndexHome.at(dir).current();
    if (current.isEmpty()) {
      return Recorded.NONE;
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(current.get().dir(), dir)) {
      return new Recorded(store.manifest(), store.settings());
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
