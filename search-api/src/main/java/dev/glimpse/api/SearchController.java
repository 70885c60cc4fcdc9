package dev.glimpse.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.index.WordQuery;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.RelevantSearch;
import dev.glimpse.core.search.Exclusion;
import dev.glimpse.core.search.HybridSearch;
import dev.glimpse.core.search.QueryText;
import dev.glimpse.core.search.RankFusion;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /api/search} (text to images) and {@code POST /api/search} (text, an indexed image, an
 * uploaded image and negative texts, combined as a weighted sum of normalised vectors).
 */
final class SearchController {
  /** Weight of the negative texts when none is given. */
  static final double DEFAULT_NEGATIVE_WEIGHT = 0.5;

  private static final double MAX_WEIGHT = 10;
  private static final Set<String> WEIGHT_NAMES = Set.of("text", "image", "negative");

  private static final WordQuery NO_WORDS = new WordQuery(List.of(), List.of());

  private final SearchService service;
  private final ApiConfig config;
  private final ObjectMapper mapper;

  SearchController(SearchService service, ApiConfig config, ObjectMapper mapper) {
    this.service = service;
    this.config = config;
    this.mapper = mapper;
  }

  /** One result. */
  public record Result(
      String id,
      String path,
      float score,
      int width,
      int height,
      String takenAt,
      String thumbnailUrl,
      String imageUrl,
      String relevance,
      Double z,
      Double eValue,
      HitMetadata metadata,
      int duplicates,
      List<String> duplicateIds,
      List<String> matched) {}

  /**
   * One page of results, with the relevance cut-off's counts over every searched image; {@code
   * excluded} candidates were removed by the exclusions.
   */
  public record Page(
      String query,
      long tookMs,
      int k,
      int offset,
      List<Result> results,
      boolean hasMore,
      String cutoff,
      String sort,
      RelevanceParams.Counts counts,
      boolean noGoodMatch,
      List<String> exclude,
      int excluded) {}

  void get(Context ctx) throws IOException {
    long start = System.nanoTime();
    String q = Params.query(ctx);
    int k = Params.k(ctx);
    int offset = Params.offset(ctx);
    Params.window(k, offset);
    SearchFilter filter = Params.filter(ctx).withMetadata(MetadataParams.filter(ctx));
    Ranking ranking = new Ranking(RelevanceParams.cutoff(ctx), RelevanceParams.sort(ctx));
    boolean collapse = MetadataParams.collapse(ctx);
    QueryText parsed = QueryText.parse(q);
    List<String> exclude = exclusions(parsed, ctx.queryParams("exclude"));
    if (!parsed.hasPositive()) {
      throw ApiException.badRequest("q: has only exclusions; say what to look for");
    }
    Feedback feedback = Feedback.of(ctx);
    try (SearchService.Session session = service.session()) {
      float[] vector = feedback.apply(session, Optional.of(session.textVector(parsed.text())));
      ctx.json(
          page(
              session,
              q,
              vector,
              parsed.wordQuery(),
              exclude,
              k,
              offset,
              filter,
              ranking,
              collapse,
              start));
    }
  }

  /** The exclusions typed in the query ({@code -word}) and those given apart, checked. */
  private static List<String> exclusions(QueryText parsed, List<String> given) {
    List<String> all = new ArrayList<>(parsed.excluded());
    for (String e : given) {
      all.add(Params.text(e, "exclude").strip());
    }
    if (all.size() > Params.MAX_NEGATIVES) {
      throw ApiException.badRequest(
          "exclude: at most " + Params.MAX_NEGATIVES + " words or phrases, got " + all.size());
    }
    return List.copyOf(new java.util.LinkedHashSet<>(all));
  }

  void post(Context ctx) throws IOException {
    long start = System.nanoTime();
    AllowedFields.requireQuery(ctx, java.util.Set.of());
    RequestFields body = RequestFields.read(ctx, mapper, config).only(AllowedFields.SEARCH_BODY);
    Optional<QueryText> parsed =
        body.string("text").map(t -> QueryText.parse(Params.text(t, "text")));
    List<String> exclude = exclusions(parsed.orElse(QueryText.parse("")), body.strings("exclude"));
    Optional<String> text = parsed.filter(QueryText::hasPositive).map(QueryText::text);
    Optional<String> imageId = body.string("imageId");
    List<String> negatives = body.strings("negative");
    if (negatives.size() > Params.MAX_NEGATIVES) {
      throw ApiException.badRequest(
          "negative: at most " + Params.MAX_NEGATIVES + " texts, got " + negatives.size());
    }
    negatives.forEach(n -> Params.text(n, "negative"));
    Map<String, Double> weights = weights(body.numbers("weights"));
    int k = Params.k(body.integer("k").orElse(Params.DEFAULT_K));
    int offset = Params.offset(body.integer("offset").orElse(0));
    Params.window(k, offset);
    SearchFilter filter =
        Params.filter(
            body.string("folder"),
            body.string("from"),
            body.string("to"),
            body.number("minScore").map(Double::floatValue));
    Ranking ranking =
        new Ranking(
            RelevanceParams.cutoff(body.string("cutoff")),
            RelevanceParams.sort(body.string("sort")));
    var metadata = MetadataParams.filter(body);
    if (imageId.isPresent()) {
      // "More like this" never returns the photo it started from.
      metadata = metadata.withExcludedIds(java.util.Set.of(imageId.get()));
    }
    filter = filter.withMetadata(metadata);
    boolean collapse = MetadataParams.collapse(body);
    Optional<byte[]> upload = body.image();
    Feedback feedback = Feedback.of(body.strings("positiveIds"), body.strings("negativeIds"));
    if (text.isEmpty() && imageId.isEmpty() && upload.isEmpty() && feedback.isEmpty()) {
      throw ApiException.badRequest(
          "give at least one of text (not only exclusions), imageId, image or positiveIds");
    }

    try (SearchService.Session session = service.session()) {
      float[] sum = new float[session.dimension()];
      if (imageId.isPresent()) {
        add(sum, Uploads.stored(session, "imageId", imageId.get()), weights.get("image"));
      }
      if (text.isPresent()) {
        add(sum, session.textVector(text.get()), weights.get("text"));
      }
      if (upload.isPresent()) {
        add(sum, Uploads.encode(session, upload.get()), weights.get("image"));
      }
      for (String n : negatives) {
        add(sum, session.textVector(n), -weights.get("negative") / negatives.size());
      }
      boolean queried = text.isPresent() || imageId.isPresent() || upload.isPresent();
      // Feedback refines the combined query (Rocchio); alone, it searches from the positives.
      float[] vector =
          feedback.apply(session, queried ? Optional.of(normalise(sum)) : Optional.empty());
      WordQuery words =
          parsed.filter(QueryText::hasPositive).map(QueryText::wordQuery).orElse(NO_WORDS);
      ctx.json(
          page(
              session,
              body.string("text").orElse(null),
              vector,
              words,
              exclude,
              k,
              offset,
              filter,
              ranking,
              collapse,
              start));
    }
  }

  /** The cut-off and order asked for. */
  private record Ranking(CutoffMode cutoff, HitOrder order) {}

  private static Page page(
      SearchService.Session session,
      String query,
      float[] vector,
      WordQuery words,
      List<String> exclude,
      int k,
      int offset,
      SearchFilter filter,
      Ranking ranking,
      boolean collapse,
      long start)
      throws IOException {
    Exclusion exclusion = Exclusion.of(exclude, session::textVectors);
    HybridSearch.Page found =
        HybridSearch.search(
            session.retrieval(),
            new HybridSearch.Query(
                vector,
                words,
                exclusion,
                new RelevantSearch.Request(k, offset, filter, ranking.cutoff(), ranking.order()),
                RankFusion.DEFAULT),
            collapse
                ? new HybridSearch.Collapse(
                    new NearDuplicates(session.duplicateThreshold()), session::vectorOrNull)
                : null,
            Params.MAX_WINDOW);
    List<Result> results = new ArrayList<>(found.hits().size());
    for (HybridSearch.Hit h : found.hits()) {
      results.add(
          result(
              h.labelled().hit(),
              RelevanceParams.Relevance.of(h.labelled()),
              h.duplicates(),
              h.matched()));
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    return new Page(
        query,
        tookMs,
        k,
        offset,
        results,
        found.hasMore(),
        ranking.cutoff().param(),
        ranking.order().param(),
        RelevanceParams.Counts.of(found.counts()),
        found.noGoodMatch(),
        exclude,
        found.excluded());
  }

  static Result result(
      SearchHit h,
      RelevanceParams.Relevance relevance,
      List<SearchHit> duplicates,
      List<String> matched) {
    var r = h.record();
    var m = r.metadata();
    return new Result(
        r.id(),
        r.path(),
        h.score(),
        m.width(),
        m.height(),
        m.takenAt().map(Object::toString).orElse(null),
        "/api/images/" + r.id() + "/thumbnail",
        "/api/images/" + r.id(),
        relevance.label(),
        relevance.z(),
        relevance.eValue(),
        HitMetadata.of(r),
        duplicates.size(),
        duplicates.stream().map(d -> d.record().id()).toList(),
        matched);
  }

  private static Map<String, Double> weights(Map<String, Double> given) {
    for (Map.Entry<String, Double> e : given.entrySet()) {
      if (!WEIGHT_NAMES.contains(e.getKey())) {
        throw ApiException.badRequest(
            "weights: unknown key '" + e.getKey() + "' (use text, image, negative)");
      }
      double w = e.getValue();
      if (!(w >= 0 && w <= MAX_WEIGHT)) {
        throw ApiException.badRequest(
            "weights." + e.getKey() + ": must be between 0 and " + MAX_WEIGHT + ", got " + w);
      }
    }
    return Map.of(
        "text", given.getOrDefault("text", 1.0),
        "image", given.getOrDefault("image", 1.0),
        "negative", given.getOrDefault("negative", DEFAULT_NEGATIVE_WEIGHT));
  }

  private static void add(float[] sum, float[] v, double weight) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += (float) (weight * v[i]);
    }
  }

  private static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-6)) {
      throw ApiException.badRequest(
          "the weighted query vectors cancel out; raise a positive weight");
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
