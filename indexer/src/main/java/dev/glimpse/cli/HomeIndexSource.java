package dev.glimpse.cli;

import dev.glimpse.api.IndexSource;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ClipOptions;
import dev.glimpse.core.index.IndexException;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * The server's index: the current generation of an index folder, opened read-only, with the model
 * it records (loaded as {@code search} loads it).
 */
final class HomeIndexSource implements IndexSource {
  private final IndexHome home;
  private final ClipOptions options;
  private final PrintWriter err;
  private final Map<String, String> env;

  HomeIndexSource(IndexHome home, ClipOptions options, PrintWriter err, Map<String, String> env) {
    this.home = home;
    this.options = options;
    this.err = err;
    this.env = env;
  }

  @Override
  public Opened openCurrent() throws IOException {
    IndexHome.Generation generation =
        home.current()
            .orElseThrow(
                () ->
                    new IndexException(
                        "no glimpse index at "
                            + home.path()
                            + "; create it with: glimpse index PHOTO_FOLDER"));
    LuceneVectorStore store = LuceneVectorStore.openReadOnly(generation.dir(), home.path());
    try {
      ClipModel model = IndexOption.loadModel(store, home.path(), options, err, env);
      return new Opened(
          generation.name(),
          store,
          model,
          () -> {
            try (store) {
              model.close();
            }
          });
    } catch (UsageException e) {
      store.close();
      throw new IndexException(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public boolean isCurrent(String generation) throws IOException {
    Optional<IndexHome.Generation> current = home.current();
    return current.isPresent() && current.get().name().equals(generation);
  }
}
