package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import io.javalin.Javalin;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata in hits, metadata filters, unknown parameters and duplicate collapsing over real HTTP,
 * against a real index of photos with camera and GPS EXIF (core's test images, one copy moved 8
 * degrees south by editing its GPS latitude), sample photos, and a half-size copy of one of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchFiltersApiTest {
  @TempDir static Path tmp;

  private ClipModel model;
  private LuceneVectorStore store;
  private Javalin app;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    model = TestIndex.tinyModel();
    Path photos = tmp.resolve("photos");
    Files.createDirectories(photos);
    Path images = Path.of("..", "core", "src", "test", "resources", "images");
    for (String n : List.of("canon-powershot-s330.jpg", "fujifilm-finepixs2pro.jpg")) {
      Files.copy(images.resolve(n), photos.resolve(n));
    }
    byte[] moved = Files.readAllBytes(images.resolve("fujifilm-finepixs2pro.jpg"));
    // GPSLatitude degrees: the big-endian rational 48/1 at byte 853 (see core's
    // MetadataFilterSearchTest, which checks the edit); 40 moves the photo ~890 km south.
    assertEquals(48, moved[856]);
    moved[856] = 40;
    Files.write(photos.resolve("fujifilm-moved-south.jpg"), moved);
    TestIndex.copy(photos, "food-pizza.jpg", "plant-flower.jpg", "animal-two-cats.jpg");
    BufferedImage pizza = ImageIO.read(TestIndex.sample("food-pizza.jpg").toFile());
    BufferedImage half =
        new BufferedImage(pizza.getWidth() / 2, pizza.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = half.createGraphics();
    g.drawImage(pizza, 0, 0, half.getWidth(), half.getHeight(), null);
    g.dispose();
    ImageIO.write(half, "jpeg", photos.resolve("pizza-half.jpg").toFile());
    Path index = tmp.resolve("index");
    TestIndex.index(model, index, List.of(photos));
    store = LuceneVectorStore.openReadOnly(index);
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty()).withThumbnailCacheDir(tmp.resolve("c"));
    app = SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    http = new Http(app.port());
  }

  @AfterAll
  void stop() throws Exception {
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

  private static Set<String> names(JsonNode page) {
    Set<String> out = new TreeSet<>();
    for (JsonNode r : page.get("results")) {
      out.add(Path.of(r.get("path").asText()).getFileName().toString());
    }
    return out;
  }

  private JsonNode get(String query) throws Exception {
    // The two fujifilm photos have the same pixels: without collapse=false they are one result.
    HttpResponse<byte[]> r = http.get("/api/search?q=a%20photo&k=50&" + query);
    assertEquals(200, r.statusCode(), Http.text(r));
    return Http.json(r);
  }

  private String idOf(String name) throws Exception {
    return store.getByPath(tmp.resolve("photos").resolve(name).toString()).orElseThrow().id();
  }

  private static void assertBadRequest(HttpResponse<byte[]> r, String... named) throws Exception {
    assertEquals(400, r.statusCode(), Http.text(r));
    String message = Http.json(r).get("error").get("message").asText();
    for (String n : named) {
      assertTrue(message.contains(n), message);
    }
  }

  @Test
  void every_hit_carries_its_metadata() throws Exception {
    JsonNode fujis = get("collapse=false&camera=fujifilm").get("results");
    assertEquals(2, fujis.size());
    for (JsonNode r : fujis) {
      JsonNode m = r.get("metadata");
      assertEquals("FUJIFILM", m.get("cameraMake").asText());
      assertEquals("FinePixS2Pro", m.get("cameraModel").asText());
      assertEquals(2.297, m.get("gps").get("lon").asDouble(), 1e-6);
      assertEquals("landscape", m.get("orientation").asText());
      assertEquals("jpeg", m.get("format").asText());
      assertEquals(600, m.get("width").asInt());
      assertEquals(400, m.get("height").asInt());
      assertEquals("2002-08-24T13:59:08Z", m.get("takenAt").asText());
      assertEquals(Files.size(Path.of(r.get("path").asText())), m.get("sizeBytes").asLong());
    }
  }

  @Test
  void camera_filter_returns_exactly_the_matching_photos() throws Exception {
    assertEquals(Set.of("canon-powershot-s330.jpg"), names(get("camera=canon")));
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg"),
        names(get("collapse=false&camera=FUJIFILM%20FinePixS2Pro")));
    assertEquals(Set.of(), names(get("camera=nikon")));
  }

  @Test
  void geo_filters_return_exactly_the_matching_photos() throws Exception {
    assertEquals(Set.of("fujifilm-finepixs2pro.jpg"), names(get("near=48.8584,2.2945,5")));
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg"),
        names(get("collapse=false&near=48.8584,2.2945,950")));
    assertEquals(Set.of("fujifilm-moved-south.jpg"), names(get("box=40,2,41,3")));
    JsonNode post =
        Http.json(
            http.postJson(
                "/api/search", Map.of("text", "a photo", "near", "48.8584,2.2945,5", "k", 50)));
    assertEquals(Set.of("fujifilm-finepixs2pro.jpg"), names(post));
  }

  @Test
  void format_and_size_filters() throws Exception {
    long canon = Files.size(tmp.resolve("photos/canon-powershot-s330.jpg"));
    assertEquals(
        Set.of("canon-powershot-s330.jpg"), names(get("minSize=" + canon + "&maxSize=" + canon)));
    assertEquals(Set.of(), names(get("format=png")));
  }

  @Test
  void bad_filter_values_are_400s_naming_the_parameter() throws Exception {
    assertBadRequest(http.get("/api/search?q=x&near=48,2"), "near");
    assertBadRequest(http.get("/api/search?q=x&orientation=diagonal"), "orientation");
    assertBadRequest(http.get("/api/search?q=x&minSize=big"), "minSize");
    assertBadRequest(http.get("/api/search?q=x&collapse=maybe"), "collapse");
  }

  @Test
  void unknown_query_parameters_are_400s_that_name_them() throws Exception {
    assertBadRequest(http.get("/api/search?q=x&camra=canon&sortt=date"), "camra", "sortt");
    assertBadRequest(http.get("/api/stats?verbose=1"), "verbose");
    assertBadRequest(http.get("/health?x=1"), "x");
    String id = idOf("food-pizza.jpg");
    assertBadRequest(http.get("/api/images/" + id + "/thumbnail?sise=64"), "sise");
    assertEquals(200, http.get("/api/images/" + id + "/thumbnail?size=64").statusCode());
    assertBadRequest(
        http.postJson("/api/search?k=5", Map.of("text", "a photo")), "k", "query parameter");
  }

  @Test
  void unknown_json_and_form_fields_are_400s_that_name_them() throws Exception {
    assertBadRequest(
        http.postJson("/api/search", Map.of("text", "a photo", "cameraa", "canon")), "cameraa");
    assertBadRequest(
        http.postJson("/api/classify", Map.of("labels", List.of("cat"), "lables", List.of())),
        "lables");
    assertBadRequest(
        http.postMultipart("/api/search", Map.of("text", "a photo", "kk", "3"), null), "kk");
  }

  @Test
  void resized_copy_collapses_into_one_result_with_its_id() throws Exception {
    String pizza = idOf("food-pizza.jpg");
    String copy = idOf("pizza-half.jpg");
    JsonNode page = get("camera=");
    JsonNode group = null;
    for (JsonNode r : page.get("results")) {
      String id = r.get("id").asText();
      assertTrue(!id.equals(pizza) || !id.equals(copy));
      if (id.equals(pizza) || id.equals(copy)) {
        assertEquals(null, group, "one result for the pizza and its copy");
        group = r;
      }
    }
    assertEquals(1, group.get("duplicates").asInt());
    String other = group.get("id").asText().equals(pizza) ? copy : pizza;
    assertEquals(other, group.get("duplicateIds").get(0).asText());
    // 7 photos: the fujifilm pair (same pixels) and the pizza pair collapse.
    assertEquals(5, page.get("results").size());
    assertEquals(7, get("collapse=false").get("results").size());
  }

  @Test
  void more_like_this_never_returns_the_query_photo() throws Exception {
    String pizza = idOf("food-pizza.jpg");
    JsonNode page =
        Http.json(
            http.postJson("/api/search", Map.of("imageId", pizza, "k", 50, "collapse", false)));
    assertEquals(6, page.get("results").size(), "the 7 photos but the query photo");
    for (JsonNode r : page.get("results")) {
      assertTrue(!r.get("id").asText().equals(pizza), "the query photo came back");
    }
    assertEquals(idOf("pizza-half.jpg"), page.get("results").get(0).get("id").asText());
  }
}
