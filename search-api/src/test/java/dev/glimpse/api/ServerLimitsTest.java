package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** API keys, upload limits and live refresh, each on its own server over a small real index. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerLimitsTest {
  private static final String KEY = "test-key-0123456789abcdef";

  @TempDir static Path tmp;

  private ClipModel model;

  @BeforeAll
  void loadModel() throws Exception {
    model = TestIndex.tinyModel();
  }

  @AfterAll
  void closeModel() {
    model.close();
  }

  /** A server over a fresh index of the given photos. */
  private record Server(Javalin app, LuceneVectorStore store, Path index, Path photos)
      implements AutoCloseable {
    @Override
    public void close() throws java.io.IOException {
      app.stop();
      store.close();
    }
  }

  private Server start(String name, ApiConfig config, String... photos) throws Exception {
    Path folder = TestIndex.copy(tmp.resolve(name).resolve("photos"), photos);
    Path index = tmp.resolve(name).resolve("index");
    TestIndex.index(model, index, List.of(folder));
    LuceneVectorStore store = LuceneVectorStore.openReadOnly(index);
    Javalin app =
        SearchApp.create(new SearchService(store, model, config), config).start("127.0.0.1", 0);
    return new Server(app, store, index, folder);
  }

  @Test
  void api_key_is_required_when_configured() throws Exception {
    ApiConfig config = ApiConfig.forHost("127.0.0.1", Optional.empty()).withRequiredKey(KEY);
    try (Server s = start("keys", config, "food-pizza.jpg", "plant-flower.jpg")) {
      Http anonymous = new Http(s.app().port());
      for (String path : List.of("/api/search?q=cat", "/api/stats", "/metrics")) {
        HttpResponse<byte[]> r = anonymous.get(path);
        assertEquals(401, r.statusCode(), path);
        assertEquals("unauthorized", Http.json(r).get("error").get("code").asText());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      }
      assertEquals(
          401,
          anonymous.withHeader("Authorization", "Bearer wrong").get("/api/stats").statusCode());
      assertEquals(
          401,
          anonymous.withHeader("Authorization", "Basic " + KEY).get("/api/stats").statusCode());
      assertEquals(
          401,
          anonymous
              .withHeader("Authorization", "Bearer wrong")
              .postJson("/api/search", Map.of("text", "cat"))
              .statusCode());
      assertEquals(200, anonymous.get("/health").statusCode(), "health stays open");
      Http authorised = anonymous.withHeader("Authorization", "Bearer " + KEY);
      assertEquals(200, authorised.get("/api/search?q=cat").statusCode());
      assertEquals(200, authorised.get("/metrics").statusCode());
    }
  }

  @Test
  void non_loopback_host_without_a_key_is_refused() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> ApiConfig.forHost("0.0.0.0", Optional.empty()));
    assertTrue(e.getMessage().contains("API key"), e.getMessage());
    assertTrue(ApiConfig.forHost("0.0.0.0", Optional.of(KEY)).requireApiKey());
    assertTrue(!ApiConfig.forHost("127.0.0.1", Optional.empty()).requireApiKey());
    assertTrue(!ApiConfig.forHost("localhost", Optional.empty()).requireApiKey());
  }

  @Test
  void oversize_uploads_are_413_json() throws Exception {
    ApiConfig config = ApiConfig.forHost("127.0.0.1", Optional.empty()).withMaxUploadBytes(100_000);
    try (Server s = start("limits", config, "food-pizza.jpg")) {
      Http http = new Http(s.app().port());
      byte[] big = new byte[300_000];
      big[0] = (byte) 0xFF;
      big[1] = (byte) 0xD8;
      for (HttpResponse<byte[]> r :
          List.of(
              http.postMultipart("/api/search", Map.of("k", "3"), big),
              http.postJson(
                  "/api/search", Map.of("image", Base64.getEncoder().encodeToString(big))),
              http.postJson(
                  "/api/classify",
                  Map.of(
                      "image",
                      Base64.getEncoder().encodeToString(new byte[120_000]),
                      "labels",
                      List.of("a"))))) {
        assertEquals(413, r.statusCode(), Http.text(r));
        assertEquals("payload_too_large", Http.json(r).get("error").get("code").asText());
      }
    }
  }

  @Test
  void a_commit_by_another_writer_shows_up_while_serving() throws Exception {
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty())
            .withRefreshInterval(Duration.ofMillis(200));
    try (Server s = start("live", config, "food-pizza.jpg", "plant-flower.jpg")) {
      Http http = new Http(s.app().port());
      assertEquals(2, Http.json(http.get("/api/stats")).get("images").asInt());
      TestIndex.copy(s.photos(), "city-bridge-at-night.jpg", "vehicle-motorcycle.jpg");
      TestIndex.index(model, s.index(), List.of(s.photos()));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int images = 2;
      while (images != 4 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        images = Http.json(http.get("/api/stats")).get("images").asInt();
      }
      assertEquals(4, images, "the server sees the new commit without a restart");
      JsonNode page = Http.json(http.get("/api/search?q=motorcycle&k=10"));
      assertEquals(4, page.get("results").size());
    }
  }
}
