package dev.glimpse.api;

import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds real indexes from the tiny fixture model and the sample photos, through core. */
final class TestIndex {
  private TestIndex() {}

  static Path fixture(String name) {
    String dir = System.getProperty("glimpse.fixtures");
    if (dir == null) {
      throw new IllegalStateException("system property glimpse.fixtures is not set (see pom)");
    }
    return Path.of(dir, name).toAbsolutePath().normalize();
  }

  static Path sample(String name) {
    String dir = System.getProperty("glimpse.samples");
    if (dir == null) {
      throw new IllegalStateException("system property glimpse.samples is not set (see pom)");
    }
    return Path.of(dir, name).toAbsolutePath().normalize();
  }

  static ClipModel tinyModel() throws Exception {
    return ClipModel.load(ClipCheckpoint.open(fixture("tiny-clip-hf")));
  }

  static ModelManifest manifest(ClipModel model) {
    return new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
  }

  /** Copies sample photos into a folder. */
  static Path copy(Path folder, String... names) throws IOException {
    Files.createDirectories(folder);
    for (String n : names) {
      Files.copy(sample(n), folder.resolve(n));
    }
    return folder;
  }

  /** Indexes folders into an index (created if needed) and commits; the writer is closed after. */
  static void index(ClipModel model, Path indexDir, List<Path> roots) throws Exception {
    try (LuceneVectorStore store =
        LuceneVectorStore.open(indexDir, IndexConfig.forModel(manifest(model)))) {
      new ImageIndexer(
              ImageEncoder.of(model),
              store,
              IndexingOptions.defaults(roots),
              new ImageDecoder(),
              Set.of(indexDir),
              IndexingListener.NONE)
          .run();
    }
  }
}
