package dev.glimpse.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters and body fields each endpoint understands. Anything else is a 400 that names
 * it, never silently ignored: a misspelt filter ({@code camra=canon}) would otherwise return
 * unfiltered results that look filtered. A new parameter is added here as well as where it is read.
 */
final class AllowedFields {
  /** The metadata filters, the same in {@code GET /api/search} and the POST body. */
  static final Set<String> FILTERS =
      Set.of(
          "folder",
          "from",
          "to",
          "minScore",
          "camera",
          "lens",
          "near",
          "box",
          "orientation",
          "format",
          "minSize",
          "maxSize",
          "collapse");

  /** {@code GET /api/search}. */
  static final Set<String> SEARCH_QUERY =
      with(FILTERS, "q", "k", "offset", "cutoff", "sort", "exclude", "positiveIds", "negativeIds");

  /** The body of {@code POST /api/search}. */
  static final Set<String> SEARCH_BODY =
      with(
          FILTERS,
          "text",
          "imageId",
          "image",
          "negative",
          "weights",
          "k",
          "offset",
          "cutoff",
          "sort",
          "exclude",
          "positiveIds",
          "negativeIds");

  /** The body of {@code POST /api/classify}. */
  static final Set<String> CLASSIFY_BODY =
      Set.of("labels", "templates", "ensemble", "imageId", "image");

  /** {@code GET /api/images/{id}/thumbnail}. */
  static final Set<String> THUMBNAIL_QUERY = Set.of("size");

  private AllowedFields() {}

  private static Set<String> with(Set<String> base, String... more) {
    Set<String> out = new TreeSet<>(base);
    out.addAll(List.of(more));
    return Set.copyOf(out);
  }

  /** A handler that first rejects query parameters outside {@code allowed}. */
  static Handler query(Set<String> allowed, Handler handler) {
    return ctx -> {
      requireKnown("query parameter", ctx.queryParamMap().keySet(), allowed);
      handler.handle(ctx);
    };
  }

  /** A handler for endpoints that take no query parameters. */
  static Handler noQuery(Handler handler) {
    return query(Set.of(), handler);
  }

  /** Rejects query parameters outside {@code allowed}. */
  static void requireQuery(Context ctx, Set<String> allowed) {
    requireKnown("query parameter", ctx.queryParamMap().keySet(), allowed);
  }

  /**
   * Throws a 400 naming every name outside {@code allowed}.
   *
   * @param what what the names are, for the message ("query parameter", "field")
   */
  static void requireKnown(String what, Set<String> names, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>();
    for (String n : names) {
      if (!n.isEmpty() && !allowed.contains(n)) { // "?q=x&" sends an empty name: harmless
        unknown.add(n.length() > 40 ? n.substring(0, 40) + "..." : n);
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest(
          "unknown "
              + what
              + (unknown.size() == 1 ? " " : "s ")
              + String.join(", ", unknown)
              + (allowed.isEmpty()
                  ? " (this endpoint takes none)"
                  : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
  }
}
