package dev.glimpse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.SearchHit;
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
  static void print(PrintWriter out, String query, List<NearDuplicates.Group> groups, boolean json)
      throws IOException {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("query", query);
      ArrayNode results = root.putArray("results");
      for (NearDuplicates.Group g : groups) {
        SearchHit h = g.head();
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
      }
      out.println(mapper.writeValueAsString(root));
    } else {
      for (NearDuplicates.Group g : groups) {
        SearchHit h = g.head();
        out.printf(
            Locale.ROOT,
            "%.4f  %s%s%n",
            h.score(),
            h.record().path(),
            g.duplicates().isEmpty() ? "" : "  (+" + g.duplicates().size() + " duplicates)");
      }
    }
    out.flush();
  }
}
