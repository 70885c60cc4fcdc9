package dev.glimpse.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.index.LuceneVectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Text queries encoded together (batched) give each caller the vector it would get alone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextBatchingTest {
  /**
   * Rows of a batch are padded to the batch's longest text; the tower is causal so the values agree
   * up to float summation order.
   */
  private static final float TOLERANCE = 1e-4f;

  @TempDir static Path tmp;

  private ClipModel model;
  private LuceneVectorStore store;

  @BeforeAll
  void setUp() throws Exception {
    model = TestIndex.tinyModel();
    Path photos = TestIndex.copy(tmp.resolve("photos"), "food-pizza.jpg");
    TestIndex.index(model, tmp.resolve("index"), List.of(photos));
    store = LuceneVectorStore.openReadOnly(tmp.resolve("index"));
  }

  @AfterAll
  void tearDown() throws Exception {
    store.close();
    model.close();
  }

  private SearchService service(int textBatchSize) throws Exception {
    ApiConfig config =
        ApiConfig.forHost("127.0.0.1", Optional.empty()).withTextBatchSize(textBatchSize);
    return new SearchService(store, model, config);
  }

  @Test
  void concurrent_queries_get_the_vectors_they_would_get_alone() throws Exception {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      texts.add(i % 2 == 0 ? "a photo of pizza number " + i : "dog " + i);
    }
    for (int batch : new int[] {0, 4}) {
      SearchService service = service(batch);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<float[]>> vectors = new ArrayList<>();
        for (String t : texts) {
          vectors.add(pool.submit(() -> service.textVector(t)));
        }
        for (int i = 0; i < texts.size(); i++) {
          float[] alone = model.encodeTexts(List.of(texts.get(i)))[0];
          assertArrayEquals(alone, vectors.get(i).get(), TOLERANCE, "batch " + batch + ": " + i);
        }
      } finally {
        pool.shutdownNow();
      }
      SearchService.TextStats stats = service.textStats();
      assertEquals(texts.size(), stats.textsEncoded());
      assertEquals(texts.size(), stats.cacheMisses());
    }
  }

  @Test
  void repeated_query_is_a_cache_hit() throws Exception {
    SearchService service = service(ApiConfig.DEFAULT_TEXT_BATCH_SIZE);
    float[] first = service.textVector("a red bicycle in the snow");
    float[] second = service.textVector("a red bicycle in the snow");
    assertArrayEquals(first, second);
    SearchService.TextStats stats = service.textStats();
    assertEquals(1, stats.cacheHits());
    assertEquals(1, stats.cacheMisses());
    assertEquals(1, stats.encoderCalls());
  }

  @Test
  void text_batch_size_out_of_range_is_refused() {
    ApiConfig config = ApiConfig.forHost("127.0.0.1", Optional.empty());
    assertThrows(IllegalArgumentException.class, () -> config.withTextBatchSize(-2));
    assertThrows(IllegalArgumentException.class, () -> config.withTextBatchSize(257));
  }

  /** The default batches on oneDNN, whose text tower runs one call at a time, and nowhere else. */
  @Test
  void default_text_batching_follows_the_engine() throws Exception {
    assertEquals(0, service(ApiConfig.DEFAULT_TEXT_BATCH_SIZE).textBatchSize()); // libtorch
    assertEquals(3, service(3).textBatchSize());
    try (ClipModel onednn =
        ClipModel.load(
            dev.glimpse.core.clip.ClipCheckpoint.open(TestIndex.fixture("tiny-clip-hf")),
            new dev.glimpse.core.clip.ClipOptions(
                dev.glimpse.core.clip.Precision.BF16, dev.glimpse.core.clip.Backend.ONEDNN, 0))) {
      SearchService s =
          new SearchService(store, onednn, ApiConfig.forHost("127.0.0.1", Optional.empty()));
      assertEquals(ApiConfig.ENGINE_TEXT_BATCH_SIZE, s.textBatchSize());
      float[] v = s.textVector("a photo of pizza");
      assertEquals(onednn.dimension(), v.length);
      assertEquals(1, s.textStats().encoderCalls());
    }
  }

  /** The start-up warm-up counts as no query: counters and the query cache stay empty. */
  @Test
  void warm_up_touches_neither_the_counters_nor_the_cache() throws Exception {
    SearchService service = service(ApiConfig.DEFAULT_TEXT_BATCH_SIZE);
    service.warmUp();
    SearchService.TextStats stats = service.textStats();
    assertEquals(0, stats.encoderCalls());
    assertEquals(0, stats.cacheMisses());
    assertEquals(0, stats.cacheHits());
    service.textVector("a photo of a dog on a beach"); // the warm-up's own query
    assertEquals(1, service.textStats().cacheMisses());
  }
}
