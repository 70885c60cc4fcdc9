package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import io.javalin.Javalin;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relevance feedback over real HTTP against a real Lucene index of the fixture model's vectors of
 * twelve sample photos and a planted near-duplicate (a resized, re-encoded copy of one of them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedbackApiTest {
  private static final String[] PHOTOS = {
    "animal-cat-chelsea.png",
    "animal-cat-eating.jpg",
    "animal-two-cats.jpg",
    "animal-honey-bee-on-aster.jpg",
    "animal-seagull-over-beach.jpg",
    "food-pizza.jpg",
    "food-noodle-bowl.jpg",
    "city-bridge-at-night.jpg",
    "indoor-kitchen.jpg",
    "plant-flower.jpg",
    "sign-stop-sign.jpg",
    "vehicle-motorcycle.jpg"
  };
  private static final String ORIGINAL = "city-bridge-at-night.jpg";
  private static final String QUERY = "a photo of a dog";

  @TempDir static Path tmp;

  private ClipModel model;
  private LuceneVectorStore store;
  private Javalin app;
  private Http http;
  private final Map<String, float[]> vectors = new HashMap<>();
  private String originalId;
  private String duplicateId;

  @BeforeAll
  void startServer() throws Exception {
    model = TestIndex.tinyModel();
    Path photos = TestIndex.copy(tmp.resolve("photos"), PHOTOS);
    BufferedImage src = ImageIO.read(photos.resolve(ORIGINAL).toFile());
    BufferedImage half =
        new BufferedImage(src.getWidth() / 2, src.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = half.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, half.getWidth(), half.getHeight(), null);
    g.dispose();
    Path copy = photos.resolve("copy-of-bridge.png");
    ImageIO.write(half, "png", copy.toFile());
    Path index = tmp.resolve("index");
    TestIndex.index(model, index, List.of(photos));
    store = LuceneVectorStore.openReadOnly(index);
    store.forEachVector(vectors::put);
    originalId = store.getByPath(photos.resolve(ORIGINAL).toString()).orElseThrow().id();
    duplicateId = store.getByPath(copy.toString()).orElseThrow().id();
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty())
            .withThumbnailCacheDir(tmp.resolve("cache"));
    app = SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    http = new Http(app.port());
  }

  @AfterAll
  void stopServer() throws Exception {
    if (app != null) {
      app.stop();
    }
    if (store != null) {
      store.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /** Ids of every indexed image, best first, for a POST body. */
  private List<String> ranking(Map<String, Object> body) throws Exception {
    Map<String, Object> all = new HashMap<>(body);
    all.put("k", 100);
    all.put("cutoff", "none");
    all.put("collapse", false);
    HttpResponse<byte[]> r = http.postJson("/api/search", all);
    assertEquals(200, r.statusCode(), Http.text(r));
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : Http.json(r).get("results")) {
      ids.add(hit.get("id").asText());
    }
    assertEquals(vectors.size(), ids.size());
    return ids;
  }

  private static float cos(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void planted_copy_is_a_near_duplicate_of_its_original() {
    assertTrue(
        cos(vectors.get(originalId), vectors.get(duplicateId)) > 0.95,
        "resized copy: cosine " + cos(vectors.get(originalId), vectors.get(duplicateId)));
  }

  @Test
  void a_positive_image_brings_its_nearest_neighbour_up() throws Exception {
    List<String> before = ranking(Map.of("text", QUERY));
    // Mark positive the image whose nearest other image (by stored vectors) ranks worst now.
    String positive = null;
    String neighbour = null;
    int worst = -1;
    for (String p : vectors.keySet()) {
      String nearest = nearestTo(p);
      if (before.indexOf(nearest) > worst) {
        worst = before.indexOf(nearest);
        positive = p;
        neighbour = nearest;
      }
    }
    List<String> after = ranking(Map.of("text", QUERY, "positiveIds", List.of(positive)));
    assertTrue(
        after.indexOf(neighbour) < before.indexOf(neighbour),
        "neighbour rank before "
            + before.indexOf(neighbour)
            + ", after "
            + after.indexOf(neighbour));
    assertEquals(positive, after.get(0), "the positive image itself comes first");
  }

  @Test
  void a_negative_image_pushes_its_near_duplicate_below_an_equally_good_photo() throws Exception {
    // The fixture model's image vectors are all alike, so the geometry is planted: the query q,
    // a negative N and its near-copy T both at cosine 0.8 to q and on the same side (e2), and a
    // control C at 0.78 to q on another side (e3). Before, T ranks above C; Rocchio's
    // q - 0.15 N moves away from N's side, so T must fall below C. The twelve other photos are
    // random.
    float[] q = model.encodeTexts(List.of(QUERY))[0];
    java.util.Random r = new java.util.Random(5);
    float[] e2 = orthogonalTo(r, q);
    float[] e3 = orthogonalTo(r, q, e2);
    float[] e4 = orthogonalTo(r, q, e2, e3);
    List<float[]> planted = new ArrayList<>();
    planted.add(mix(q, 0.8f, e2, 0.6f, e4, 0f)); // N
    planted.add(mix(q, 0.8f, e2, 0.58f, e4, 0.15f)); // T, cosine to N about 0.99
    planted.add(mix(q, 0.78f, e3, 0.626f, e4, 0f)); // C
    for (int i = 0; i < 12; i++) {
      planted.add(gaussian(r, q.length)); // normalised on writing
    }
    List<String> ids = PlantedIndex.write(model, tmp.resolve("planted"), planted);
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty())
            .withThumbnailCacheDir(tmp.resolve("planted-cache"));
    try (LuceneVectorStore plantedStore =
        LuceneVectorStore.openReadOnly(tmp.resolve("planted").resolve("index"))) {
      Javalin other =
          SearchApp.create(new SearchService(plantedStore, model, config), config)
              .start("127.0.0.1", 0);
      try {
        Http h = new Http(other.port());
        List<String> before = ids(h, Map.of("text", QUERY));
        List<String> after = ids(h, Map.of("text", QUERY, "negativeIds", List.of(ids.get(0))));
        String twin = ids.get(1);
        String control = ids.get(2);
        assertTrue(before.indexOf(twin) < before.indexOf(control), "before: " + before);
        assertTrue(after.indexOf(twin) > after.indexOf(control), "after: " + after);
      } finally {
        other.stop();
      }
    }
  }

  /** Every hit's id, in order, with neither the cut-off nor the collapsing of duplicates. */
  private static List<String> ids(Http h, Map<String, Object> body) throws Exception {
    Map<String, Object> all = new HashMap<>(body);
    all.put("k", 100);
    all.put("cutoff", "none");
    all.put("collapse", false);
    HttpResponse<byte[]> r = h.postJson("/api/search", all);
    assertEquals(200, r.statusCode(), Http.text(r));
    List<String> ids = new ArrayList<>();
    Http.json(r).get("results").forEach(n -> ids.add(n.get("id").asText()));
    return ids;
  }

  /** a*x + b*y + c*z. */
  private static float[] mix(float[] x, float a, float[] y, float b, float[] z, float c) {
    float[] out = new float[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = a * x[i] + b * y[i] + c * z[i];
    }
    return out;
  }

  private static float[] gaussian(java.util.Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** A random unit vector orthogonal to the given unit vectors (Gram-Schmidt). */
  private static float[] orthogonalTo(java.util.Random r, float[] first, float[]... rest) {
    int dim = first.length;
    float[] v = gaussian(r, dim);
    List<float[]> basis = new ArrayList<>();
    basis.add(first);
    basis.addAll(List.of(rest));
    for (float[] b : basis) {
      float d = cos(v, b);
      for (int i = 0; i < dim; i++) {
        v[i] -= d * b[i];
      }
    }
    float n = (float) Math.sqrt(cos(v, v));
    for (int i = 0; i < dim; i++) {
      v[i] /= n;
    }
    return v;
  }

  @Test
  void get_search_takes_feedback_as_comma_separated_ids() throws Exception {
    HttpResponse<byte[]> r =
        http.get(
            "/api/search?k=100&cutoff=none&collapse=false&q=a+photo+of+a+dog&negativeIds="
                + originalId);
    assertEquals(200, r.statusCode(), Http.text(r));
    List<String> ids = new ArrayList<>();
    Http.json(r).get("results").forEach(h -> ids.add(h.get("id").asText()));
    assertEquals(ranking(Map.of("text", QUERY, "negativeIds", List.of(originalId))), ids);
  }

  @Test
  void feedback_alone_searches_from_the_positives() throws Exception {
    List<String> ids = ranking(Map.of("positiveIds", List.of(duplicateId)));
    assertEquals(duplicateId, ids.get(0));
    assertEquals(originalId, ids.get(1), "the original is the copy's nearest image");
  }

  @Test
  void unknown_and_malformed_ids_are_a_400_naming_them() throws Exception {
    String unknown = "0".repeat(32);
    HttpResponse<byte[]> r =
        http.postJson(
            "/api/search", Map.of("text", QUERY, "positiveIds", List.of(originalId, unknown)));
    assertEquals(400, r.statusCode(), Http.text(r));
    assertTrue(Http.text(r).contains(unknown), Http.text(r));
    r = http.get("/api/search?q=dog&negativeIds=" + originalId + ",nothex");
    assertEquals(400, r.statusCode(), Http.text(r));
    assertTrue(Http.text(r).contains("negativeIds") && Http.text(r).contains("nothex"));
    r =
        http.postJson(
            "/api/search",
            Map.of("positiveIds", List.of(originalId), "negativeIds", List.of(originalId)));
    assertEquals(400, r.statusCode(), Http.text(r));
    assertTrue(Http.text(r).contains(originalId), Http.text(r));
    r = http.postJson("/api/search", Map.of("negativeIds", List.of(originalId)));
    assertEquals(400, r.statusCode(), Http.text(r));
  }

  private String nearestTo(String id) {
    String best = null;
    float bestCos = -2;
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      if (!e.getKey().equals(id)) {
        float c = cos(vectors.get(id), e.getValue());
        if (c > bestCos) {
          bestCos = c;
          best = e.getKey();
        }
      }
    }
    return best;
  }
}
