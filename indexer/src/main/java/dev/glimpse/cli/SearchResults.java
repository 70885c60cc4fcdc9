package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.LabelledHit;
import dev.glimpse.core.relevance.RelevantSearch;
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
   * A search judged by the relevance cut-off: a summary line, then relevance, score and path per
   * line; or one JSON object with the counts and each hit's relevance, z and e-value.
   */
  static void print(
      PrintWriter out,
      String query,
      RelevantSearch.Page page,
      CutoffMode cutoff,
      HitOrder order,
      boolean json)
      throws IOException {
    RelevantSearch.Counts c = page.counts();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      root.put("cutoff", cutoff.param());
      root.put("sort", order.param());
      root.putObject("counts")
          .put("strong", c.strong())
          .put("weak", c.weak())
          .put("below", c.below())
          .put("estimated", c.estimated());
      root.put("noGoodMatch", page.noGoodMatch());
      ArrayNode results = root.putArray("results");
      for (LabelledHit l : page.hits()) {
        ObjectNode hit =
            results
                .addObject()
                .put("path", l.hit().record().path())
                .put("score", l.hit().score())
                .put("id", l.hit().record().id())
                .put("relevance", l.relevance().label());
        if (!Double.isNaN(l.z())) {
          hit.put("z", Math.round(l.z() * 100) / 100.0).put("eValue", l.eValue());
        }
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      String approx = c.estimated() ? "about " : "";
      if (page.noGoodMatch()) {
        out.printf(
            Locale.ROOT, "no good match: %s%d weak, %d below%n", approx, c.weak(), c.below());
      } else {
        out.printf(
            Locale.ROOT,
            "%s%d strong, %d weak, %d below%n",
            approx,
            c.strong(),
            c.weak(),
            c.below());
      }
      for (LabelledHit l : page.hits()) {
        out.printf(
            Locale.ROOT,
            "%-6s  %.4f  %s%n",
            l.relevance().label(),
            l.hit().score(),
            l.hit().record().path());
      }
    }
    out.flush();
  }
}
