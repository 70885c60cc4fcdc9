package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.relevance.CutoffMode;
import dev.glimpse.core.relevance.HitOrder;
import dev.glimpse.core.relevance.LabelledHit;
import dev.glimpse.core.relevance.RelevantSearch;
import dev.glimpse.core.search.HybridSearch;
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
  static void print(PrintWriter out, String query, List<HybridSearch.Hit> hits, boolean json)
      throws IOException {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      ArrayNode results = root.putArray("results");
      for (HybridSearch.Hit h : hits) {
        hit(mapper, results, h);
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      for (HybridSearch.Hit h : hits) {
        out.printf(Locale.ROOT, "%.4f  %s%s%n", h.score(), h.record().path(), more(h));
      }
    }
    out.flush();
  }

  /**
   * A search judged by the relevance cut-off: a summary line, then relevance, score and path per
   * line (with why, when words matched); or one JSON object with the counts, the exclusions and
   * each hit's relevance, z, e-value and {@code matched}. How many hits were excluded goes to
   * {@code err} in text mode.
   */
  static void print(
      PrintWriter out,
      PrintWriter err,
      String query,
      HybridSearch.Page page,
      CutoffMode cutoff,
      HitOrder order,
      List<String> exclude,
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
      for (HybridSearch.Hit h : page.hits()) {
        LabelledHit l = h.labelled();
        ObjectNode hit = hit(mapper, results, h).put("relevance", l.relevance().label());
        if (!Double.isNaN(l.z())) {
          hit.put("z", Math.round(l.z() * 100) / 100.0).put("eValue", l.eValue());
        }
        ArrayNode matched = hit.putArray("matched");
        h.matched().forEach(matched::add);
      }
      ArrayNode excludes = root.putArray("exclude");
      exclude.forEach(excludes::add);
      root.put("excluded", page.excluded());
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
      for (HybridSearch.Hit h : page.hits()) {
        boolean words = !h.matched().equals(List.of("vector"));
        out.printf(
            Locale.ROOT,
            "%-6s  %.4f  %s%s%s%n",
            h.labelled().relevance().label(),
            h.score(),
            h.record().path(),
            words ? "  (" + String.join(", ", h.matched()) + ")" : "",
            more(h));
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

  /** A result as one JSON object: path, score, id, metadata and its duplicates. */
  private static ObjectNode hit(ObjectMapper mapper, ArrayNode results, HybridSearch.Hit h) {
    ObjectNode r =
        results
            .addObject()
            .put("path", h.record().path())
            .put("score", h.score())
            .put("id", h.record().id());
    r.set("metadata", mapper.valueToTree(metadata(h.record())));
    r.put("duplicates", h.duplicates().size());
    ArrayNode ids = r.putArray("duplicateIds");
    h.duplicates().forEach(d -> ids.add(d.record().id()));
    return r;
  }

  private static String more(HybridSearch.Hit h) {
    return h.duplicates().isEmpty() ? "" : "  (+" + h.duplicates().size() + " duplicates)";
  }
}
