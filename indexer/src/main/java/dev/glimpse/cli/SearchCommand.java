package dev.glimpse.cli;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.Vectors;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.RelevantSearch;
import dev.glimpse.core.search.Exclusion;
import dev.glimpse.core.search.HybridSearch;
import dev.glimpse.core.search.QueryText;
import dev.glimpse.core.search.RankFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      "Search the index with a text query: the photos' look (CLIP) and their words (file and"
          + " folder names, EXIF, IPTC and XMP text) together; prints relevance, score and path,"
          + " best first, and which words matched. In the query, \"a phrase\" matches as a"
          + " phrase, and -word or \"-a phrase\" excludes photos that show it or carry it (quote"
          + " the whole query).",
      "--add and --subtract do CLIP vector arithmetic instead (rclip's +text and -text).",
      "A summary line says how many photos are strong, weak and below (see --cutoff).",
      "With --json: {\"counts\":{...},\"noGoodMatch\":false,\"results\":[{\"path\":\"...\","
          + " \"score\":0.31,\"relevance\":\"strong\",\"matched\":[...],...},...]}"
    })
final class SearchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin PrecisionOption precision = new PrecisionOption();

  @Parameters(
      index = "0",
      paramLabel = "TEXT",
      description = "What to look for; -word and \"-a phrase\" exclude.")
  String text;

  @Option(
      names = "--exclude",
      paramLabel = "TEXT",
      description = "Leave out photos that show this or carry the word (repeatable).")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--add",
      paramLabel = "TEXT",
      description = "Add this text's vector to the query (repeatable; rclip's +text).")
  List<String> add = new ArrayList<>();

  @Option(
      names = "--subtract",
      paramLabel = "TEXT",
      description =
          "Subtract this text's vector from the query (repeatable; rclip's -text, the API's"
              + " negative).")
  List<String> subtract = new ArrayList<>();

  @Option(
      names = "--weight",
      paramLabel = "NAME=W",
      description =
          "Weight of text (default 1), add (default 1, each) or subtract (default 0.5, shared),"
              + " 0 to 10.")
  Map<String, Double> weights = new LinkedHashMap<>();

  @Option(
      names = "--no-words",
      description = "Rank by the CLIP vectors alone; the photos' words are not searched.")
  boolean noWords;

  @Option(
      names = "--fusion",
      paramLabel = "METHOD",
      description = "How words and vectors are fused: SCORE_SUM (default) or RRF.")
  RankFusion.Method fusion = RankFusion.DEFAULT;

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
    QueryText parsed = QueryText.parse(text);
    if (!parsed.hasPositive()) {
      throw new UsageException("the search text has only exclusions; say what to look for");
    }
    List<String> excluded = new ArrayList<>(parsed.excluded());
    for (String e : exclude) {
      if (e.isBlank()) {
        throw new UsageException("--exclude must not be empty");
      }
      excluded.add(e.strip());
    }
    for (String name : weights.keySet()) {
      double w = weights.get(name);
      if (!Set.of("text", "add", "subtract").contains(name)) {
        throw new UsageException("--weight: unknown name '" + name + "' (use text, add, subtract)");
      }
      if (!(w >= 0 && w <= 10)) {
        throw new UsageException("--weight " + name + ": must be between 0 and 10, got " + w);
      }
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
      HybridSearch.Page page;
      try (var model =
          IndexOption.loadModel(
              store, indexDir, precision.clipOptions(), spec.commandLine().getErr(), env)) {
        float[] query = queryVector(model, parsed.text());
        page =
            HybridSearch.search(
                HybridSearch.Retrieval.of(store),
                new HybridSearch.Query(
                    query,
                    noWords ? new WordQuery(List.of(), List.of()) : parsed.wordQuery(),
                    Exclusion.of(excluded, model::encodeTexts),
                    new RelevantSearch.Request(k, filters.offset, filter, cutoffMode, order),
                    fusion),
                filters.collapse(store),
                LuceneVectorStore.MAX_WINDOW);
      }
      SearchResults.print(
          spec.commandLine().getOut(),
          spec.commandLine().getErr(),
          text,
          page,
          cutoffMode,
          order,
          excluded,
          json);
    }
    return GlimpseCli.OK;
  }

  /** The query text's vector, plus and minus the --add and --subtract texts', normalised. */
  private float[] queryVector(ClipModel model, String query) throws UsageException {
    float[] sum = scaled(model.encodeTexts(List.of(query))[0], weights.getOrDefault("text", 1.0));
    for (String a : add) {
      accumulate(sum, model.encodeTexts(List.of(a))[0], weights.getOrDefault("add", 1.0));
    }
    for (String s : subtract) {
      accumulate(
          sum,
          model.encodeTexts(List.of(s))[0],
          -weights.getOrDefault("subtract", 0.5) / subtract.size());
    }
    double norm = 0;
    for (float x : sum) {
      norm += (double) x * x;
    }
    if (!(norm > 1e-12)) {
      throw new UsageException("the weighted query vectors cancel out; raise a positive weight");
    }
    return Vectors.normalize(sum);
  }

  private static float[] scaled(float[] v, double w) {
    float[] out = new float[v.length];
    accumulate(out, v, w);
    return out;
  }

  private static void accumulate(float[] sum, float[] v, double w) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += (float) (w * v[i]);
    }
  }
}
