package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.search.HybridSearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints search hits the same way for {@code glimpse search} and {@code glimpse similar}. */
final class SearchResults {
  private SearchResults() {}

  /** Score and path per line, or one JSON object {@code {"query","results":[...]}}. */
  static void print(PrintWriter out, String query, List<SearchHit> hits, boolean json)
      throws IOException {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      ArrayNode results = root.putArray("results");
      for (SearchHit h : hits) {
        results
            .addObject()
            .put("path", h.record().path())
            .put("score", h.score())
            .put("id", h.record().id());
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      for (SearchHit h : hits) {
        out.printf(Locale.ROOT, "%.4f  %s%n", h.score(), h.record().path());
      }
    }
    out.flush();
  }

  /**
   * Hybrid hits: score and path per line (with why, when words matched), or JSON with {@code
   * matched} per hit and the exclusions; how many hits were excluded goes to {@code err} in text
   * mode.
   */
  static void print(
      PrintWriter out,
      PrintWriter err,
      String query,
      HybridSearch.Page page,
      List<String> exclude,
      boolean json)
      throws IOException {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      ArrayNode results = root.putArray("results");
      for (HybridSearch.Hit h : page.hits()) {
        ObjectNode hit =
            results
                .addObject()
                .put("path", h.record().path())
                .put("score", h.score())
                .put("id", h.record().id());
        ArrayNode matched = hit.putArray("matched");
        h.matched().forEach(matched::add);
      }
      ArrayNode excludes = root.putArray("exclude");
      exclude.forEach(excludes::add);
      root.put("excluded", page.excluded());
      out.println(mapper.writeValueAsString(root));
    } else {
      for (HybridSearch.Hit h : page.hits()) {
        boolean words = !h.matched().equals(List.of("vector"));
        out.printf(
            Locale.ROOT,
            "%.4f  %s%s%n",
            h.score(),
            h.record().path(),
            words ? "  (" + String.join(", ", h.matched()) + ")" : "");
      }
      if (!exclude.isEmpty()) {
        err.printf(
            Locale.ROOT,
            "excluded %d hit%s for: %s%n",
            page.excluded(),
            page.excluded() == 1 ? "" : "s",
            String.join(", ", exclude));
        err.flush();
      }
    }
    out.flush();
  }
}
