package dev.glimpse.cli;

import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.relevance.CollapsedSearch;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.RelevantSearch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code glimpse search}: text to photos, from the command line. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search the index with a text query; prints relevance, score and path, best first, after"
          + " a summary line of how many photos are strong, weak and below (see --cutoff).",
      "With --json: {\"counts\":{...},\"noGoodMatch\":false,\"results\":[{\"path\":\"...\","
          + " \"score\":0.31,\"relevance\":\"strong\",...},...]}"
    })
final class SearchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PrecisionOption precision = new PrecisionOption();

  @Parameters(index = "0", paramLabel = "TEXT", description = "What to look for.")
  String text;

  @Option(names = "--index", paramLabel = "DIR", description = IndexOption.DESCRIPTION)
  Path index;

  @Option(
      names = {"-k", "--limit"},
      defaultValue = "10",
      description = "Number of results (default ${DEFAULT-VALUE}, at most 1000).")
  int k;

  @Mixin FilterOptions filters = new FilterOptions();

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(
      names = "--cutoff",
      paramLabel = "auto|none",
      defaultValue = "auto",
      description =
          "auto (default): only photos that stand out from this query's background (strong and"
              + " weak); none: every photo, labelled.")
  String cutoff;

  @Option(
      names = "--sort",
      paramLabel = "ORDER",
      defaultValue = "relevance",
      description =
          "relevance (default), date (newest first) or date-asc (oldest first); dates are EXIF"
              + " date taken, else file time.")
  String sort;

  @Override
  public Integer call() throws Exception {
    if (text.isBlank()) {
      throw new UsageException("the search text is empty");
    }
    if (k < 1 || k > 1000) {
      throw new UsageException("-k must be between 1 and 1000, got " + k);
    }
    filters.checkPaging(k);
    CutoffMode cutoffMode;
    HitOrder order;
    try {
      cutoffMode = CutoffMode.parse(cutoff);
      order = HitOrder.parse(sort);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
    SearchFilter filter = filters.filter();
    Map<String, String> env = GlimpseCli.root(spec).environment();
    Path indexDir = IndexLocation.resolve(index, env);
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      CollapsedSearch.Page page;
      try (var model =
          IndexOption.loadModel(
              store, indexDir, precision.clipOptions(), spec.commandLine().getErr(), env)) {
        float[] query = model.encodeTexts(List.of(text))[0];
        page =
            CollapsedSearch.search(
                RelevantSearch.Source.of(store),
                query,
                new RelevantSearch.Request(k, filters.offset, filter, cutoffMode, order),
                filters.collapse(store),
                LuceneVectorStore.MAX_WINDOW);
      }
      SearchResults.print(spec.commandLine().getOut(), text, page, cutoffMode, order, json);
    }
    return GlimpseCli.OK;
  }
}
