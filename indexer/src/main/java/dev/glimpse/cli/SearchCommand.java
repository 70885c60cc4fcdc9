package dev.glimpse.cli;

import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchFilter;
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
      "Search the index with a text query; prints score and path, best first.",
      "With --json: {\"results\":[{\"path\":\"...\",\"score\":0.31},...]}"
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

  @Override
  public Integer call() throws Exception {
    if (text.isBlank()) {
      throw new UsageException("the search text is empty");
    }
    if (k < 1 || k > 1000) {
      throw new UsageException("-k must be between 1 and 1000, got " + k);
    }
    filters.checkPaging(k);
    SearchFilter filter = filters.filter();
    Map<String, String> env = GlimpseCli.root(spec).environment();
    Path indexDir = IndexLocation.resolve(index, env);
    try (LuceneVectorStore store = IndexOption.openExisting(indexDir)) {
      List<NearDuplicates.Group> hits;
      try (var model =
          IndexOption.loadModel(
              store, indexDir, precision.clipOptions(), spec.commandLine().getErr(), env)) {
        float[] query = model.encodeTexts(List.of(text))[0];
        hits = CollapsedSearch.search(store, query, k, filters.offset, filter, !filters.noCollapse);
      }
      print(hits);
    }
    return GlimpseCli.OK;
  }

  private void print(List<NearDuplicates.Group> hits) throws Exception {
    SearchResults.print(spec.commandLine().getOut(), text, hits, json);
  }
}
