package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.SearchHit;
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
}
