package dev.glimpse.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.docs.DocExamples;
import dev.glimpse.core.index.LuceneVectorStore;
import io.javalin.Javalin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTP on port 0, against a real Lucene index built from the tiny fixture model
 * and eight sample photos in two folders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchApiTest {
  private static final String[] ANIMALS = {
    "animal-cat-chelsea.png",
    "animal-cat-eating.jpg",
    "animal-two-cats.jpg",
    "animal-honey-bee-on-aster.jpg",
    "animal-seagull-over-beach.jpg"
  };
  private static final String[] FOOD = {
    "food-pizza.jpg", "food-noodle-bowl.jpg", "food-citrus-fruits.jpg"
  };

  @TempDir static Path tmp;

  private ClipModel model;
  private LuceneVectorStore store;
  private Javalin app;
  private Http http;
  private Path animals;
  private Path food;
  private String catId;

  @BeforeAll
  void startServer() throws Exception {
    model = TestIndex.tinyModel();
    animals = TestIndex.copy(tmp.resolve("photos/animals"), ANIMALS);
    food = TestIndex.copy(tmp.resolve("photos/food"), FOOD);
    Path index = tmp.resolve("index");
    TestIndex.index(model, index, List.of(tmp.resolve("photos")));
    store = LuceneVectorStore.openReadOnly(index);
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty())
            .withThumbnailCacheDir(tmp.resolve("cache"));
    app = SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    http = new Http(app.port());
    // The store derives ids from the path under its root: read it back.
    catId = idOf(animals.resolve("animal-cat-eating.jpg"));
  }

  private String idOf(Path file) throws Exception {
    return store.getByPath(file.toString()).orElseThrow().id();
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

  private static void assertError(HttpResponse<byte[]> r, int status, String code)
      throws Exception {
    assertEquals(status, r.statusCode(), Http.text(r));
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "error bodies are JSON: " + r.headers().map());
    JsonNode error = Http.json(r).get("error");
    assertNotNull(error, Http.text(r));
    assertEquals(code, error.get("code").asText(), Http.text(r));
    assertFalse(error.get("message").asText().isBlank());
    assertFalse(Http.text(r).contains("Exception"), "no stack traces: " + Http.text(r));
  }

  // --- GET /api/search

  @Test
  void search_returns_k_results_with_urls_and_paging() throws Exception {
    HttpResponse<byte[]> r = http.get("/api/search?q=a%20photo%20of%20a%20cat&k=3");
    assertEquals(200, r.statusCode(), Http.text(r));
    JsonNode page = Http.json(r);
    assertEquals("a photo of a cat", page.get("query").asText());
    assertEquals(3, page.get("k").asInt());
    assertEquals(0, page.get("offset").asInt());
    assertTrue(page.get("tookMs").asLong() >= 0);
    assertTrue(page.get("hasMore").asBoolean());
    assertEquals(3, page.get("results").size());
    for (JsonNode hit : page.get("results")) {
      String id = hit.get("id").asText();
      assertTrue(id.matches("[0-9a-f]{32}"));
      assertEquals("/api/images/" + id, hit.get("imageUrl").asText());
      assertEquals("/api/images/" + id + "/thumbnail", hit.get("thumbnailUrl").asText());
      assertTrue(hit.get("width").asInt() > 0 && hit.get("height").asInt() > 0);
      assertTrue(hit.has("takenAt"));
      assertTrue(Files.exists(Path.of(hit.get("path").asText())));
      // the order is the fused one (vector and words), so scores need not descend; each hit
      // says why it is there
      assertTrue(hit.get("matched").isArray(), Http.text(r));
    }
    JsonNode last = Http.json(http.get("/api/search?q=a%20photo%20of%20a%20cat&k=5&offset=5"));
    assertEquals(3, last.get("results").size(), "8 images: the second page of 5 has 3");
    assertFalse(last.get("hasMore").asBoolean());
  }

  @Test
  void folder_filter_returns_k_results_all_in_that_folder() throws Exception {
    String folder = java.net.URLEncoder.encode(food.toString(), UTF_8);
    JsonNode page = Http.json(http.get("/api/search?q=animal&k=3&folder=" + folder));
    assertEquals(3, page.get("results").size());
    for (JsonNode hit : page.get("results")) {
      assertTrue(hit.get("path").asText().startsWith(food + "/"), hit.toString());
    }
  }

  @Test
  void min_score_and_date_filters_are_applied() throws Exception {
    JsonNode none = Http.json(http.get("/api/search?q=cat&minScore=1"));
    assertEquals(0, none.get("results").size());
    HttpResponse<byte[]> dated = http.get("/api/search?q=cat&from=1990-01-01&to=2100-01-01T00:00");
    assertEquals(200, dated.statusCode(), Http.text(dated));
  }

  @Test
  void search_rejects_bad_parameters_with_400_json() throws Exception {
    for (String query :
        List.of(
            "q=",
            "q=%20%20",
            "",
            "q=cat&k=abc",
            "q=cat&k=0",
            "q=cat&k=-1",
            "q=cat&k=1001",
            "q=cat&offset=-1",
            "q=cat&k=1000&offset=9001",
            "q=cat&from=yesterday",
            "q=cat&to=2024-13-45",
            "q=cat&from=2024-05-02&to=2024-05-01",
            "q=cat&minScore=2",
            "q=cat&minScore=abc",
            "q=cat&folder=relative/path",
            "q=" + "x".repeat(1001))) {
      assertError(http.get("/api/search?" + query), 400, "bad_request");
    }
  }

  @Test
  void bad_filter_values_are_explained_with_the_parameter_not_internal_names() throws Exception {
    HttpResponse<byte[]> nul = http.get("/api/search?q=cat&folder=/photos%00");
    assertError(nul, 400, "bad_request");
    assertTrue(Http.text(nul).contains("folder is not a valid path"), Http.text(nul));
    HttpResponse<byte[]> dates = http.get("/api/search?q=cat&from=2024-05-02&to=2024-05-01");
    assertError(dates, 400, "bad_request");
    assertTrue(Http.text(dates).contains("is after the end date"), Http.text(dates));
    assertFalse(Http.text(dates).contains("takenFrom"), Http.text(dates));
  }

  // --- POST /api/search

  @Test
  void words_in_file_names_say_why_they_matched() throws Exception {
    JsonNode page = Http.json(http.get("/api/search?q=eating&k=3"));
    JsonNode first = page.get("results").get(0);
    assertTrue(first.get("path").asText().endsWith("animal-cat-eating.jpg"), page.toString());
    assertTrue(first.get("matched").toString().contains("filename"), page.toString());
    assertEquals(0, page.get("excluded").asInt());
  }

  @Test
  void exclusions_in_the_query_and_as_parameters_remove_hits_and_are_counted() throws Exception {
    // "cat" is in two file names here (animal-cat-eating, animal-two-cats): excluding "eating"
    // removes the one that carries it
    JsonNode all = Http.json(http.get("/api/search?q=cat&k=20"));
    assertTrue(all.toString().contains("animal-cat-eating.jpg"));
    for (String url :
        List.of("/api/search?q=cat%20-eating&k=20", "/api/search?q=cat&exclude=eating&k=20")) {
      JsonNode page = Http.json(http.get(url));
      assertFalse(page.toString().contains("animal-cat-eating.jpg"), page.toString());
      assertTrue(page.get("excluded").asInt() >= 1, page.toString());
      assertEquals("[\"eating\"]", page.get("exclude").toString());
    }
    JsonNode post =
        Http.json(
            http.postJson(
                "/api/search", Map.of("text", "cat", "exclude", List.of("eating"), "k", 20)));
    assertFalse(post.toString().contains("animal-cat-eating.jpg"), post.toString());
    assertError(http.get("/api/search?q=-cat"), 400, "bad_request");
  }

  @Test
  void post_search_by_text_matches_get() throws Exception {
    JsonNode get = Http.json(http.get("/api/search?q=pizza&k=4"));
    JsonNode post = Http.json(http.postJson("/api/search", Map.of("text", "pizza", "k", 4)));
    assertEquals(ids(get), ids(post));
  }

  @Test
  void more_like_this_never_returns_the_image_itself() throws Exception {
    HttpResponse<byte[]> r = http.postJson("/api/search", Map.of("imageId", catId, "k", 8));
    assertEquals(200, r.statusCode(), Http.text(r));
    JsonNode results = Http.json(r).get("results");
    assertEquals(7, results.size(), "the other seven photos");
    for (JsonNode hit : results) {
      assertNotEquals(catId, hit.get("id").asText());
    }
  }

  @Test
  void uploaded_image_as_base64_and_multipart_finds_the_same_photo() throws Exception {
    byte[] photo = Files.readAllBytes(animals.resolve("animal-cat-eating.jpg"));
    JsonNode viaJson =
        Http.json(
            http.postJson(
                "/api/search", Map.of("image", Base64.getEncoder().encodeToString(photo), "k", 2)));
    assertEquals(catId, viaJson.get("results").get(0).get("id").asText());
    HttpResponse<byte[]> multipart =
        http.postMultipart("/api/search", Map.of("k", "2", "negative", "a dog"), photo);
    assertEquals(200, multipart.statusCode(), Http.text(multipart));
    assertEquals(2, Http.json(multipart).get("results").size());
  }

  @Test
  void combined_and_negative_queries_change_the_ranking_vector() throws Exception {
    Map<String, Object> plain = Map.of("text", "cat", "k", 8);
    Map<String, Object> combined =
        Map.of(
            "text",
            "cat",
            "imageId",
            catId,
            "negative",
            List.of("food", "pizza"),
            "weights",
            Map.of("text", 1.0, "image", 0.5, "negative", 1.0),
            "k",
            8);
    JsonNode a = Http.json(http.postJson("/api/search", plain));
    HttpResponse<byte[]> r = http.postJson("/api/search", combined);
    assertEquals(200, r.statusCode(), Http.text(r));
    JsonNode b = Http.json(r);
    assertEquals(7, b.get("results").size(), "all photos but the query image");
    assertNotEquals(scores(a), scores(b));
  }

  @Test
  void post_search_rejects_bad_bodies() throws Exception {
    assertError(http.postJson("/api/search", Map.of("k", 3)), 400, "bad_request");
    assertError(http.postJson("/api/search", "{not json"), 400, "bad_request");
    assertError(http.postJson("/api/search", "[1,2]"), 400, "bad_request");
    assertError(http.postJson("/api/search", Map.of("text", "cat", "k", 0)), 400, "bad_request");
    assertError(http.postJson("/api/search", Map.of("text", "cat", "k", "3")), 400, "bad_request");
    assertError(http.postJson("/api/search", Map.of("text", "")), 400, "bad_request");
    assertError(
        http.postJson("/api/search", Map.of("text", "cat", "weights", Map.of("foo", 1))),
        400,
        "bad_request");
    assertError(
        http.postJson("/api/search", Map.of("text", "cat", "negative", nCopies(17))),
        400,
        "bad_request");
    assertError(
        http.postJson("/api/search", Map.of("text", "cat", "from", "soon")), 400, "bad_request");
    assertError(
        http.postJson("/api/search", Map.of("image", "!!!not base64!!!")), 400, "bad_request");
    assertError(
        http.post("/api/search", "text/plain", "cat".getBytes(UTF_8)),
        415,
        "unsupported_media_type");
    assertError(http.postJson("/api/search", Map.of("imageId", "0".repeat(32))), 404, "not_found");
  }

  @Test
  void non_image_upload_is_422() throws Exception {
    byte[] text = "this is not an image, just some text".getBytes(UTF_8);
    assertError(
        http.postJson("/api/search", Map.of("image", Base64.getEncoder().encodeToString(text))),
        422,
        "undecodable_image");
    assertError(http.postMultipart("/api/search", Map.of(), text), 422, "undecodable_image");
  }

  // --- traversal attempts in every id position

  static final List<String> TRAVERSALS =
      List.of(
          "..%2F..%2Fetc%2Fpasswd",
          "..%2f..%2fetc%2fpasswd",
          "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
          "..%252f..%252fetc%252fpasswd",
          "%2e%2e",
          "..",
          "etc%2Fpasswd",
          "0123456789ABCDEF0123456789ABCDEF",
          "0123456789abcdef0123456789abcdef0",
          "%00");

  @Test
  void traversal_attempts_in_image_paths_are_refused() throws Exception {
    List<String> paths = new ArrayList<>();
    for (String t : TRAVERSALS) {
      paths.add("/api/images/" + t);
      paths.add("/api/images/" + t + "/thumbnail");
    }
    paths.add("/api/images/../../etc/passwd");
    paths.add("/api/images/../../etc/passwd/thumbnail");
    for (String p : paths) {
      HttpResponse<byte[]> r = http.get(p);
      assertTrue(r.statusCode() == 400 || r.statusCode() == 404, p + " -> " + r.statusCode());
      assertFalse(Http.text(r).contains("root:"), p + " leaked a file");
      assertTrue(Http.text(r).startsWith("{\"error\":"), p + " -> " + Http.text(r));
    }
  }

  @Test
  void traversal_attempts_as_image_id_in_bodies_are_400() throws Exception {
    for (String id :
        List.of(
            "../../etc/passwd",
            "..%2f..%2fetc%2fpasswd",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "%252e%252e%252fetc%252fpasswd",
            "/etc/passwd")) {
      assertError(http.postJson("/api/search", Map.of("imageId", id)), 400, "bad_request");
      assertError(
          http.postJson("/api/classify", Map.of("imageId", id, "labels", List.of("cat"))),
          400,
          "bad_request");
      assertError(
          http.postMultipart("/api/search", Map.of("imageId", id), null), 400, "bad_request");
    }
  }

  // --- images

  @Test
  void original_image_has_content_type_etag_and_answers_304() throws Exception {
    HttpResponse<byte[]> r = http.get("/api/images/" + catId);
    assertEquals(200, r.statusCode());
    assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Files.readAllBytes(animals.resolve("animal-cat-eating.jpg")), r.body());
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertTrue(etag.matches("\"[0-9a-f]{64}\""), etag);
    assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("max-age"));
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
    HttpResponse<byte[]> again = http.get("/api/images/" + catId, "If-None-Match", etag);
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body().length);
  }

  @Test
  void thumbnail_is_a_jpeg_of_the_asked_size_with_the_photo_aspect_and_answers_304()
      throws Exception {
    String pngId = idOf(animals.resolve("animal-cat-chelsea.png"));
    // width / height from samples/MANIFEST.tsv: 640 x 480 and 451 x 300, both upright
    Map<String, Double> aspects = Map.of(catId, 640 / 480.0, pngId, 451 / 300.0);
    for (String id : List.of(catId, pngId)) {
      HttpResponse<byte[]> r = http.get("/api/images/" + id + "/thumbnail?size=128");
      assertEquals(200, r.statusCode(), Http.text(r));
      assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
      BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(r.body()));
      assertEquals(128, Math.max(thumb.getWidth(), thumb.getHeight()));
      assertEquals(aspects.get(id), (double) thumb.getWidth() / thumb.getHeight(), 0.03, "upright");
      String etag = r.headers().firstValue("ETag").orElseThrow();
      assertEquals(
          304,
          http.get("/api/images/" + id + "/thumbnail?size=128", "If-None-Match", etag)
              .statusCode());
    }
    HttpResponse<byte[]> dflt = http.get("/api/images/" + catId + "/thumbnail");
    BufferedImage d = ImageIO.read(new ByteArrayInputStream(dflt.body()));
    assertEquals(256, Math.max(d.getWidth(), d.getHeight()));
    try (var cached = Files.list(tmp.resolve("cache"))) {
      assertTrue(cached.findAny().isPresent(), "cached on disk");
    }
  }

  @Test
  void image_errors() throws Exception {
    assertError(http.get("/api/images/" + "f".repeat(32)), 404, "not_found");
    assertError(http.get("/api/images/" + "f".repeat(32) + "/thumbnail"), 404, "not_found");
    assertError(http.get("/api/images/" + catId + "/thumbnail?size=10"), 400, "bad_request");
    assertError(http.get("/api/images/" + catId + "/thumbnail?size=2000"), 400, "bad_request");
    assertError(http.get("/api/images/" + catId + "/thumbnail?size=big"), 400, "bad_request");
    assertError(http.get("/api/images/not-an-id"), 400, "bad_request");
  }

  // --- classify

  @Test
  void classify_returns_probabilities_for_indexed_and_uploaded_images() throws Exception {
    HttpResponse<byte[]> r =
        http.postJson(
            "/api/classify", Map.of("imageId", catId, "labels", List.of("cat", "pizza", "car")));
    assertEquals(200, r.statusCode(), Http.text(r));
    JsonNode predictions = Http.json(r).get("predictions");
    assertEquals(3, predictions.size());
    double sum = 0;
    for (JsonNode p : predictions) {
      sum += p.get("probability").asDouble();
      assertTrue(p.get("label").isTextual());
    }
    assertEquals(1.0, sum, 1e-4);

    byte[] photo = Files.readAllBytes(food.resolve("food-pizza.jpg"));
    Map<String, Object> upload =
        Map.of(
            "image",
            Base64.getEncoder().encodeToString(photo),
            "labels",
            List.of("food", "animal"),
            "templates",
            List.of("a photo of {}.", "a picture of {}."));
    assertEquals(200, http.postJson("/api/classify", upload).statusCode());
    HttpResponse<byte[]> ensemble =
        http.postJson(
            "/api/classify",
            Map.of("imageId", catId, "labels", List.of("cat", "dog"), "ensemble", true));
    assertEquals(200, ensemble.statusCode(), Http.text(ensemble));
  }

  @Test
  void classify_rejects_bad_bodies() throws Exception {
    assertError(http.postJson("/api/classify", Map.of("imageId", catId)), 400, "bad_request");
    assertError(
        http.postJson("/api/classify", Map.of("labels", List.of("cat"))), 400, "bad_request");
    assertError(
        http.postJson("/api/classify", Map.of("imageId", catId, "labels", nCopies(101))),
        400,
        "bad_request");
    assertError(
        http.postJson(
            "/api/classify",
            Map.of("imageId", catId, "labels", List.of("cat"), "templates", List.of("no slot"))),
        400,
        "bad_request");
    assertError(
        http.postJson("/api/classify", Map.of("imageId", "a".repeat(32), "labels", List.of("cat"))),
        404,
        "not_found");
  }

  // --- stats, health, metrics, openapi, UI
  @Test
  void stats_example_in_api_md_and_openapi_has_the_shape_of_the_real_answer() throws Exception {
    HttpResponse<byte[]> answer = http.get("/api/stats");
    JsonNode real = Http.json(answer);
    String documented =
        DocExamples.jsonAfter(DocExamples.docs().resolve("api.md"), "### `GET /api/stats`");
    Map<String, String> dictionaries = Map.of("skipped", "integer");
    Set<String> nullable = Set.of("revision"); // the test index's model is a folder
    DocExamples.assertSameShape(documented, real, dictionaries, nullable);
    // The example is laid out as the server prints it (compact).
    ObjectMapper json = new ObjectMapper();
    assertEquals(json.writeValueAsString(json.readTree(documented)), documented.strip());
    assertEquals(json.writeValueAsString(real), new String(answer.body(), UTF_8));
    JsonNode stats =
        Http.json(http.get("/api/openapi.json"))
            .at("/paths/~1api~1stats/get/responses/200/content/application~1json");
    DocExamples.assertSameShape(stats.get("example").toString(), real, dictionaries, nullable);
    List<String> schemaKeys = new ArrayList<>();
    stats
        .at("/schema/properties/lastRun/properties")
        .fieldNames()
        .forEachRemaining(schemaKeys::add);
    List<String> realKeys = new ArrayList<>();
    real.get("lastRun").fieldNames().forEachRemaining(realKeys::add);
    assertEquals(realKeys, schemaKeys);
  }

  @Test
  void stats_health_and_metrics() throws Exception {
    JsonNode stats = Http.json(http.get("/api/stats"));
    assertEquals(8, stats.get("images").asInt());
    assertEquals(model.dimension(), stats.get("dimension").asInt());
    assertEquals("tiny-clip-hf", stats.get("model").get("id").asText());
    assertTrue(stats.get("sizeBytes").asLong() > 0);
    JsonNode last = stats.get("lastRun");
    assertTrue(last.get("indexed").isIntegralNumber(), last.toString());
    assertEquals(8, last.get("indexed").longValue(), "eight distinct photos");
    assertEquals(0, last.get("unchanged").longValue());
    assertEquals(0, last.get("reused").longValue());
    assertEquals(0, last.get("removed").longValue());
    assertTrue(last.get("skipped").isObject() && last.get("skipped").isEmpty(), last.toString());
    assertTrue(last.get("seconds").isNumber(), last.toString());
    java.time.Instant.parse(last.get("finished").asText());

    HttpResponse<byte[]> health = http.get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("ok", Http.json(health).get("status").asText());

    http.get("/api/search?q=metrics%20probe");
    http.get("/api/search?q=");
    HttpResponse<byte[]> metrics = http.get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = Http.text(metrics);
    assertTrue(
        text.contains(
            "glimpse_http_requests_total{method=\"GET\",route=\"/api/search\",status=\"200\"}"),
        text);
    assertTrue(
        text.contains(
            "glimpse_http_requests_total{method=\"GET\",route=\"/api/search\",status=\"400\"}"),
        text);
    assertTrue(text.contains("glimpse_http_request_duration_seconds_bucket{"), text);
    assertTrue(text.contains("glimpse_encoder_seconds_count{tower=\"text\"}"), text);
    assertTrue(text.contains("glimpse_index_images 8"), text);
    assertTrue(text.contains("glimpse_index_size_bytes "), text);
  }

  @Test
  void every_documented_path_answers() throws Exception {
    HttpResponse<byte[]> r = http.get("/api/openapi.json");
    assertEquals(200, r.statusCode());
    JsonNode paths = Http.json(r).get("paths");
    int checked = 0;
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String template = it.next();
      String path = template.replace("{id}", catId);
      for (Iterator<String> methods = paths.get(template).fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        HttpResponse<byte[]> answer =
            method.equals("get")
                ? http.get(path + (template.equals("/api/search") ? "?q=cat" : ""))
                : http.postJson(path, Map.of("text", "cat", "labels", List.of("cat", "dog")));
        assertNotEquals(404, answer.statusCode(), method + " " + path);
        assertNotEquals(405, answer.statusCode(), method + " " + path);
        assertTrue(answer.statusCode() < 500, method + " " + path + " " + Http.text(answer));
        checked++;
      }
    }
    assertEquals(9, checked, "documented operations");
  }

  @Test
  void web_ui_is_served_with_security_headers_and_unknown_routes_are_json_404() throws Exception {
    HttpResponse<byte[]> ui = http.get("/");
    assertEquals(200, ui.statusCode());
    assertTrue(Http.text(ui).contains("<html"), Http.text(ui));
    assertTrue(
        ui.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src"));
    assertEquals("no-referrer", ui.headers().firstValue("Referrer-Policy").orElse(""));
    assertError(http.get("/api/nothing-here"), 404, "not_found");
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("results").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  private static List<Double> scores(JsonNode page) {
    List<Double> out = new ArrayList<>();
    page.get("results").forEach(h -> out.add(h.get("score").asDouble()));
    return out;
  }

  private static List<String> nCopies(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("label " + i);
    }
    return out;
  }
}
