package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.SearchHit;
import dev.glimpse.core.relevance.CollapsedSearch;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.LabelledHit;
import dev.glimpse.core.relevance.RelevantSearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints search hits the same way for {@code glimpse search} and {@code glimpse similar}. */
final class SearchResults {
  private SearchResults() {}

  /** The metadata of a hit as in the API: unknown values left out. */
  static Map<String, Object> metadata(ImageRecord r) {
    ImageMetadata m = r.metadata();
    Map<String, Object> out = new LinkedHashMap<>();
    m.cameraMake().ifPresent(v -> out.put("cameraMake", v));
    m.cameraModel().ifPresent(v -> out.put("cameraModel", v));
    m.lens().ifPresent(v -> out.put("lens", v));
    m.gps().ifPresent(g -> out.put("gps", Map.of("lat", g.latitude(), "lon", g.longitude())));
    m.orientation().ifPresent(o -> out.put("orientation", o.key()));
    if (m.exifOrientation() != 0) {
      out.put("exifOrientation", m.exifOrientation());
    }
    if (!m.format().isEmpty()) {
      out.put("format", m.format());
    }
    out.put("sizeBytes", r.size());
    if (m.width() > 0) {
      out.put("width", m.width());
      out.put("height", m.height());
    }
    m.takenAt().ifPresent(t -> out.put("takenAt", t.toString()));
    return out;
  }

  /** Score and path per line, or one JSON object {@code {"query","results":[...]}}. */
  static void print(PrintWriter out, String query, List<CollapsedSearch.Group> groups, boolean json)
      throws IOException {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      ArrayNode results = root.putArray("results");
      for (CollapsedSearch.Group g : groups) {
        hit(mapper, results, g);
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      for (CollapsedSearch.Group g : groups) {
        SearchHit h = g.head().hit();
        out.printf(Locale.ROOT, "%.4f  %s%s%n", h.score(), h.record().path(), more(g));
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
      CollapsedSearch.Page page,
      CutoffMode cutoff,
      HitOrder order,
      boolean json)
      throws IOException {
    RelevantSearch.Counts c = page.found().counts();
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
      root.put("noGoodMatch", page.found().noGoodMatch());
      ArrayNode results = root.putArray("results");
      for (CollapsedSearch.Group g : page.groups()) {
        LabelledHit l = g.head();
        ObjectNode hit = hit(mapper, results, g).put("relevance", l.relevance().label());
        if (!Double.isNaN(l.z())) {
          hit.put("z", Math.round(l.z() * 100) / 100.0).put("eValue", l.eValue());
        }
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      String approx = c.estimated() ? "about " : "";
      if (page.found().noGoodMatch()) {
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
      for (CollapsedSearch.Group g : page.groups()) {
        LabelledHit l = g.head();
        out.printf(
            Locale.ROOT,
            "%-6s  %.4f  %s%s%n",
            l.relevance().label(),
            l.hit().score(),
            l.hit().record().path(),
            more(g));
      }
    }
    out.flush();
  }

  /** A group's head as one JSON result: path, score, id, metadata and its duplicates. */
  private static ObjectNode hit(ObjectMapper mapper, ArrayNode results, CollapsedSearch.Group g) {
    SearchHit h = g.head().hit();
    ObjectNode r =
        results
            .addObject()
            .put("path", h.record().path())
            .put("score", h.score())
            .put("id", h.record().id());
    r.set("metadata", mapper.valueToTree(metadata(h.record())));
    r.put("duplicates", g.duplicates().size());
    ArrayNode ids = r.putArray("duplicateIds");
    g.duplicates().forEach(d -> ids.add(d.record().id()));
    return r;
  }

  private static String more(CollapsedSearch.Group g) {
    return g.duplicates().isEmpty() ? "" : "  (+" + g.duplicates().size() + " duplicates)";
  }
}
