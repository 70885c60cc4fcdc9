package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.LuceneVectorStore;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relevance cut-off and date sort over real HTTP, against a real index with a known relevant
 * set for the query "a red kayak" ({@link PlantedIndex}: 400 background images, 12 planted strong,
 * 6 planted a little above the bulk).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchRelevanceApiTest {
  private static final String QUERY = "a%20red%20kayak";

  @TempDir static Path tmp;

  private ClipModel model;
  private LuceneVectorStore store;
  private Javalin app;
  private Http http;
  private PlantedIndex planted;
  private int images;

  @BeforeAll
  void startServer() throws Exception {
    model = TestIndex.tinyModel();
    planted = PlantedIndex.build(model, tmp, "a red kayak", 400, 12, 6);
    images = planted.images;
    store = LuceneVectorStore.openReadOnly(tmp.resolve("index"));
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

  private JsonNode search(String params) throws Exception {
    // The planted strong vectors lie within noise 0.03 of one point: near-duplicates of each
    // other by construction, so collapsing is off to see each of them.
    HttpResponse<byte[]> r = http.get("/api/search?q=" + QUERY + "&collapse=false" + params);
    assertEquals(200, r.statusCode(), Http.text(r));
    return Http.json(r);
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("results").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  @Test
  void the_planted_images_are_the_strong_matches_and_auto_hides_the_rest() throws Exception {
    JsonNode page = search("&k=100");
    assertEquals("auto", page.get("cutoff").asText());
    assertEquals("relevance", page.get("sort").asText());
    assertFalse(page.get("noGoodMatch").asBoolean(), page.toString());
    JsonNode counts = page.get("counts");
    assertEquals(12, counts.get("strong").asLong(), counts.toString());
    assertEquals(
        images,
        counts.get("strong").asLong() + counts.get("weak").asLong() + counts.get("below").asLong());
    assertFalse(counts.get("estimated").asBoolean());
    Set<String> strong = new HashSet<>();
    Set<String> weak = new HashSet<>();
    for (JsonNode h : page.get("results")) {
      String label = h.get("relevance").asText();
      assertTrue(h.get("z").isNumber() && h.get("eValue").isNumber(), h.toString());
      if (label.equals("strong")) {
        strong.add(h.get("id").asText());
        assertTrue(h.get("eValue").asDouble() <= 0.02, h.toString());
      } else {
        assertEquals("weak", label, "auto returns no hit below");
        weak.add(h.get("id").asText());
      }
    }
    assertEquals(planted.strong, strong);
    assertTrue(weak.containsAll(planted.weak), "the nearer planted images are weak: " + weak);
    assertEquals(counts.get("weak").asLong(), weak.size());
    assertEquals(
        ids(page).subList(0, 12).stream().collect(java.util.stream.Collectors.toSet()), strong);
  }

  @Test
  void cutoff_none_returns_every_photo_labelled_and_says_how_many_are_below() throws Exception {
    JsonNode auto = search("&k=1000");
    JsonNode none = search("&k=1000&cutoff=none");
    assertEquals("none", none.get("cutoff").asText());
    assertEquals(images, none.get("results").size());
    assertEquals(auto.get("counts"), none.get("counts"));
    long below = 0;
    for (JsonNode h : none.get("results")) {
      below += h.get("relevance").asText().equals("below") ? 1 : 0;
    }
    assertEquals(none.get("counts").get("below").asLong(), below);
  }

  @Test
  void min_score_still_narrows_the_hits() throws Exception {
    JsonNode page = search("&k=1000&cutoff=none&minScore=0.8");
    assertEquals(planted.strong, new HashSet<>(ids(page)));
  }

  @Test
  void post_takes_cutoff_and_sort_too() throws Exception {
    HttpResponse<byte[]> r =
        http.postJson(
            "/api/search",
            Map.of(
                "text",
                "a red kayak",
                "cutoff",
                "none",
                "sort",
                "date",
                "k",
                5,
                "collapse",
                false));
    assertEquals(200, r.statusCode(), Http.text(r));
    JsonNode page = Http.json(r);
    assertEquals("none", page.get("cutoff").asText());
    assertEquals("date", page.get("sort").asText());
    assertEquals(5, page.get("results").size());
    assertTrue(page.get("hasMore").asBoolean());
  }

  @Test
  void a_query_nothing_matches_is_no_good_match() throws Exception {
    HttpResponse<byte[]> r = http.get("/api/search?q=zzzz%20qqqq%20xxxx&k=50");
    JsonNode page = Http.json(r);
    // The background is random: another query than the planted one finds nothing far above it.
    assertTrue(page.get("noGoodMatch").asBoolean(), page.get("counts").toString());
    assertEquals(0, page.get("counts").get("strong").asLong());
    for (JsonNode h : page.get("results")) {
      assertEquals("weak", h.get("relevance").asText());
    }
  }

  @Test
  void sort_date_is_newest_first_across_pages() throws Exception {
    List<Instant> dates = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int offset = 0; ; offset += 5) {
      JsonNode page =
          Http.json(
              http.get(
                  "/api/search?q=" + QUERY + "&collapse=false&sort=date&k=5&offset=" + offset));
      assertEquals("date", page.get("sort").asText());
      for (JsonNode h : page.get("results")) {
        assertTrue(seen.add(h.get("id").asText()), "a photo on two pages");
        dates.add(dateOf(h.get("id").asText()));
      }
      if (!page.get("hasMore").asBoolean()) {
        break;
      }
    }
    JsonNode all = search("&k=1000");
    assertEquals(new HashSet<>(ids(all)), seen, "the pages cover the relevant set");
    assertTrue(seen.size() > 12);
    for (int i = 1; i < dates.size(); i++) {
      assertFalse(dates.get(i).isAfter(dates.get(i - 1)), "newest first at " + i + ": " + dates);
    }
    JsonNode oldest = search("&sort=date-asc&k=100");
    List<Instant> ascending = new ArrayList<>();
    for (String id : ids(oldest)) {
      ascending.add(dateOf(id));
    }
    assertEquals(dates.reversed(), ascending);
  }

  /** EXIF date taken, else the file time the index recorded: read from the index. */
  private Instant dateOf(String id) throws Exception {
    ImageRecord r = store.getById(id).orElseThrow();
    return r.metadata().takenAt().isPresent()
        ? r.metadata().takenAt().get()
        : Instant.ofEpochMilli(r.mtime());
  }

  @Test
  void bad_cutoff_and_sort_are_400_naming_the_choices() throws Exception {
    HttpResponse<byte[]> r = http.get("/api/search?q=cat&cutoff=maybe");
    assertEquals(400, r.statusCode());
    assertTrue(Http.text(r).contains("auto or none"), Http.text(r));
    r = http.get("/api/search?q=cat&sort=size");
    assertEquals(400, r.statusCode());
    assertTrue(Http.text(r).contains("date-asc"), Http.text(r));
    r = http.postJson("/api/search", Map.of("text", "cat", "sort", "newest"));
    assertEquals(400, r.statusCode());
  }
}
