package dev.glimpse.api;

import dev.glimpse.core.index.RelevanceFeedback;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Relevance feedback of a search request: the ids of indexed images marked relevant ({@code
 * positiveIds}) and not relevant ({@code negativeIds}), applied to the query vector as a Rocchio
 * update ({@link RelevanceFeedback#ROCCHIO}) over their stored vectors.
 *
 * @param positiveIds images marked relevant, in the order given, without repeats
 * @param negativeIds images marked not relevant
 */
record Feedback(List<String> positiveIds, List<String> negativeIds) {
  /** Most judged images of each kind in one query. */
  static final int MAX_IDS = 100;

  static final Feedback NONE = new Feedback(List.of(), List.of());

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SEPARATOR = Pattern.compile("[,\\s]+");

  Feedback {
    positiveIds = List.copyOf(positiveIds);
    negativeIds = List.copyOf(negativeIds);
  }

  /** From the repeatable, comma-separated query parameters of a GET. */
  static Feedback of(Context ctx) {
    return of(ctx.queryParams("positiveIds"), ctx.queryParams("negativeIds"));
  }

  /**
   * From raw lists (each entry may hold several comma-separated ids); every malformed id and an id
   * both positive and negative is a 400 that names it.
   */
  static Feedback of(List<String> positive, List<String> negative) {
    List<String> pos = ids("positiveIds", positive);
    List<String> neg = ids("negativeIds", negative);
    List<String> both = pos.stream().filter(neg::contains).toList();
    if (!both.isEmpty()) {
      throw ApiException.badRequest(
          "an image cannot be both positive and negative: " + String.join(", ", both));
    }
    return new Feedback(pos, neg);
  }

  boolean isEmpty() {
    return positiveIds.isEmpty() && negativeIds.isEmpty();
  }

  /**
   * The query refined by this feedback; the query itself when there is none.
   *
   * @param session the request's session, whose index holds the judged images
   * @param query the normalised query vector, or empty when the request has only feedback
   * @return the normalised vector to search with
   */
  float[] apply(SearchService.Session session, Optional<float[]> query) throws IOException {
    if (isEmpty()) {
      return query.orElseThrow();
    }
    List<String> unknown = new ArrayList<>();
    List<float[]> pos = vectors(session, positiveIds, unknown);
    List<float[]> neg = vectors(session, negativeIds, unknown);
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest(
          "positiveIds/negativeIds: no indexed image has id " + String.join(", ", unknown));
    }
    try {
      return RelevanceFeedback.ROCCHIO.refine(query, pos, neg);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static List<float[]> vectors(
      SearchService.Session session, List<String> ids, List<String> unknown) throws IOException {
    List<float[]> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Optional<float[]> v = session.storedVector(id);
      if (v.isPresent()) {
        out.add(v.get());
      } else {
        unknown.add(id);
      }
    }
    return out;
  }

  private static List<String> ids(String field, List<String> raw) {
    Set<String> out = new LinkedHashSet<>();
    List<String> bad = new ArrayList<>();
    for (String entry : raw) {
      for (String id : SEPARATOR.split(entry.strip(), -1)) {
        if (id.isEmpty()) {
          continue;
        }
        if (ID.matcher(id).matches()) {
          out.add(id);
        } else {
          bad.add(id.length() > 40 ? id.substring(0, 40) + "..." : id);
        }
      }
    }
    if (!bad.isEmpty()) {
      throw ApiException.badRequest(
          field + ": not image ids (32 lower-case hex digits): " + String.join(", ", bad));
    }
    if (out.size() > MAX_IDS) {
      throw ApiException.badRequest(field + ": at most " + MAX_IDS + " ids, got " + out.size());
    }
    return List.copyOf(out);
  }
}
