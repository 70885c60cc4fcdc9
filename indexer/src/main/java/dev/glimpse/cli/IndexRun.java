package dev.glimpse.cli;

import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexSettings;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import dev.glimpse.core.indexing.IndexingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code glimpse index} run: the pipeline over the roots into one generation's store, which
 * records the run's settings (roots, options) for the next run.
 */
final class IndexRun {
  private final ImageEncoder encoder;
  private final IndexingOptions options;
  private final IndexSettings settings;
  private final Path home;
  private final PrintWriter err;

  IndexRun(
      ImageEncoder encoder,
      IndexingOptions options,
      IndexSettings settings,
      Path home,
      PrintWriter err) {
    this.encoder = encoder;
    this.options = options;
    this.settings = settings;
    this.home = home;
    this.err = err;
  }

  /** Indexes into the generation in {@code dir}, creating its index if needed. */
  IndexingSummary into(Path dir, IndexConfig config) throws IOException, InterruptedException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, home, config)) {
      return into(store, Optional.empty(), IndexingListener.NONE);
    }
  }

  /**
   * Indexes into an open store, taking unchanged files' metadata from another, with a progress
   * display and an extra listener.
   */
  IndexingSummary into(
      LuceneVectorStore store, Optional<VectorStore> metadataFrom, IndexingListener also)
      throws IOException, InterruptedException {
    store.remember(settings);
    ProgressPrinter progress = new ProgressPrinter(err, Terminal.stderrIsTerminal());
    IndexingSummary summary =
        new ImageIndexer(
                encoder,
                store,
                options,
                new ImageDecoder(settings.maxPixels(), true),
                Set.of(home),
                p -> {
                  progress.progress(p);
                  also.progress(p);
                },
                metadataFrom)
            .run();
    progress.finish();
    return summary;
  }
}
