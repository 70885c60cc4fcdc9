package dev.glimpse.cli;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ClipPreprocessor;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.RelevantSearch;
import dev.glimpse.core.search.HybridSearch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse similar}: image to images, from the command line. */
@Command(
    name = "similar",
    mixinStandardHelpOptions = true,
    description = {
      "Find photos that look like an image: an indexed id, the path of an indexed photo (its stored"
          + " vector is used), or any image file (decoded and encoded with the index's model).",
      "Prints score and path, best first; with --json like glimpse search."
    })
final class SimilarCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin PrecisionOption precision = new PrecisionOption();

  @Parameters(index = "0", paramLabel = "IMAGE_PATH_OR_ID", description = "An image file or id.")
  String image;

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(
      names = {"-k", "--limit"},
      defaultValue = "10",
      description = "Number of results (default ${DEFAULT-VALUE}, at most 1000).")
  int k;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @picocli.CommandLine.Mixin FilterOptions filters = new FilterOptions();

  @Override
  public Integer call() throws Exception {
    if (k < 1 || k > 1000) {
      throw new UsageException("-k must be between 1 and 1000, got " + k);
    }
    filters.checkPaging(k);
    SearchFilter filter = filters.filter();
    Map<String, String> env = GlimpseCli.root(spec).environment();
    Path indexDir = IndexLocation.resolve(index, env);
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      Optional<ImageRecord> self = indexed(store);
      float[] query = self.isPresent() ? store.vector(self.get().id()).orElse(null) : null;
      if (query == null) {
        query = encode(store, env, indexDir);
      } else {
        // More like this never returns the photo it started from.
        filter = filter.withMetadata(filter.metadata().withExcludedIds(Set.of(self.get().id())));
      }
      HybridSearch.Page page =
          HybridSearch.search(
              HybridSearch.Retrieval.of(store),
              HybridSearch.Query.vectorOnly(
                  query,
                  new RelevantSearch.Request(
                      k, filters.offset, filter, CutoffMode.NONE, HitOrder.RELEVANCE)),
              filters.collapse(store),
              LuceneVectorStore.MAX_WINDOW);
      SearchResults.print(spec.commandLine().getOut(), image, page.hits(), json);
    }
    return GlimpseCli.OK;
  }

  /** The indexed image when the argument is an indexed id or the path of an indexed file. */
  private Optional<ImageRecord> indexed(LuceneVectorStore store) throws Exception {
    if (image.matches("[0-9a-f]{32}")) {
      Optional<ImageRecord> r = store.getById(image);
      if (r.isPresent()) {
        return r;
      }
    }
    return store.getByPath(Path.of(image).toAbsolutePath().normalize().toString());
  }

  private float[] encode(LuceneVectorStore store, Map<String, String> env, Path indexDir)
      throws Exception {
    Path file = Path.of(image);
    if (!Files.isRegularFile(file)) {
      throw new UsageException(image + " is neither an indexed image id nor an image file");
    }
    try (ClipModel model =
        IndexOption.loadModel(
            store, indexDir, precision.clipOptions(), spec.commandLine().getErr(), env)) {
      float[] pixels = new ClipPreprocessor(model.preprocess()).preprocess(file);
      return model.encodeImages(pixels, 1)[0];
    }
  }
}
