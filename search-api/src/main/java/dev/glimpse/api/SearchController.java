package dev.glimpse.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.index.SearchHit;
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
      String imageUrl) {}

  /** One page of results. */
  public record Page(
      String query, long tookMs, int k, int offset, List<Result> results, boolean hasMore) {}

  void get(Context ctx) throws IOException {
    long start = System.nanoTime();
    String q = Params.query(ctx);
    int k = Params.k(ctx);
    int offset = Params.offset(ctx);
    Params.window(k, offset);
    SearchFilter filter = Params.filter(ctx);
    Feedback feedback = Feedback.of(ctx);
    try (SearchService.Session session = service.session()) {
      float[] vector = feedback.apply(session, Optional.of(session.textVector(q)));
      ctx.json(page(session, q, vector, k, offset, filter, start));
    }
  }

  void post(Context ctx) throws IOException {
    long start = System.nanoTime();
    RequestFields body = RequestFields.read(ctx, mapper, config);
    Optional<String> text = body.string("text").map(t -> Params.text(t, "text"));
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
    Optional<byte[]> upload = body.image();
    Feedback feedback = Feedback.of(body.strings("positiveIds"), body.strings("negativeIds"));
    if (text.isEmpty() && imageId.isEmpty() && upload.isEmpty() && feedback.isEmpty()) {
      throw ApiException.badRequest("give at least one of text, imageId, image or positiveIds");
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
      ctx.json(page(session, text.orElse(null), vector, k, offset, filter, start));
    }
  }

  private static Page page(
      SearchService.Session session,
      String query,
      float[] vector,
      int k,
      int offset,
      SearchFilter filter,
      long start)
      throws IOException {
    // One extra hit says whether another page exists, when the window allows it.
    boolean probe = (long) k + offset + 1 <= Params.MAX_WINDOW;
    List<SearchHit> hits = session.search(vector, probe ? k + 1 : k, offset, filter);
    boolean hasMore = hits.size() > k;
    List<Result> results = new ArrayList<>(Math.min(k, hits.size()));
    for (SearchHit h : hits.subList(0, Math.min(k, hits.size()))) {
      results.add(result(h));
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    return new Page(query, tookMs, k, offset, results, hasMore);
  }

  static Result result(SearchHit h) {
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
        "/api/images/" + r.id());
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
