package dev.glimpse.core.index;

import static dev.glimpse.core.index.TestImages.axis;
import static dev.glimpse.core.index.TestImages.record;
import static dev.glimpse.core.index.TestImages.unit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSearchTest {
  private static final int DIM = 8;

  /** Scores are float dot products mapped through (1 + dot) / 2 and back. */
  private static final float SCORE_TOLERANCE = 1e-5f;

  @TempDir Path dir;

  /** a = e0, b = mostly e0 some e1, c = e0 and e1 equally, d = e1, e = -e0. */
  private LuceneVectorStore fiveImages(IndexConfig config) throws IOException {
    LuceneVectorStore store = LuceneVectorStore.open(dir, config);
    store.upsert(record("/p/a.jpg"), axis(DIM, 0));
    store.upsert(record("/p/b.jpg"), unit(3, 1, 0, 0, 0, 0, 0, 0));
    store.upsert(record("/p/c.jpg"), unit(1, 1, 0, 0, 0, 0, 0, 0));
    store.upsert(record("/p/d.jpg"), axis(DIM, 1));
    store.upsert(record("/p/e.jpg"), unit(-1, 0, 0, 0, 0, 0, 0, 0));
    store.commit();
    return store;
  }

  private static List<String> paths(List<SearchHit> hits) {
    return hits.stream().map(h -> h.record().path()).toList();
  }

  @Test
  void search_ranks_by_cosine_and_reports_the_cosine_as_score() throws IOException {
    try (LuceneVectorStore store = fiveImages(IndexConfig.of(DIM))) {
      List<SearchHit> hits = store.search(axis(DIM, 0), 5, 0, SearchFilter.NONE);
      assertEquals(
          List.of("/p/a.jpg", "/p/b.jpg", "/p/c.jpg", "/p/d.jpg", "/p/e.jpg"), paths(hits));
      float[] expected = {1f, 3f / (float) Math.sqrt(10), 1f / (float) Math.sqrt(2), 0f, -1f};
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], hits.get(i).score(), SCORE_TOLERANCE, paths(hits).get(i));
      }
    }
  }

  @Test
  void search_sees_uncommitted_writes_of_the_writer() throws IOException {
    try (LuceneVectorStore store = fiveImages(IndexConfig.of(DIM))) {
      store.upsert(record("/p/f.jpg"), axis(DIM, 2));
      assertEquals(
          "/p/f.jpg", store.search(axis(DIM, 2), 1, 0, SearchFilter.NONE).get(0).record().path());
    }
  }

  @Test
  void offset_pages_through_the_ranking() throws IOException {
    try (LuceneVectorStore store = fiveImages(IndexConfig.of(DIM))) {
      assertEquals(
          List.of("/p/c.jpg", "/p/d.jpg"),
          paths(store.search(axis(DIM, 0), 2, 2, SearchFilter.NONE)));
      assertEquals(List.of("/p/e.jpg"), paths(store.search(axis(DIM, 0), 2, 4, SearchFilter.NONE)));
      assertEquals(List.of(), paths(store.search(axis(DIM, 0), 2, 6, SearchFilter.NONE)));
    }
  }

  @Test
  void min_score_drops_weaker_hits() throws IOException {
    try (LuceneVectorStore store = fiveImages(IndexConfig.of(DIM))) {
      List<SearchHit> hits = store.search(axis(DIM, 0), 5, 0, SearchFilter.NONE.withMinScore(0.5f));
      assertEquals(List.of("/p/a.jpg", "/p/b.jpg", "/p/c.jpg"), paths(hits));
    }
  }

  @Test
  void search_rejects_bad_arguments() throws IOException {
    try (LuceneVectorStore store = fiveImages(IndexConfig.of(DIM))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> store.search(axis(DIM, 0), 0, 0, SearchFilter.NONE));
      assertThrows(
          IllegalArgumentException.class,
          () -> store.search(axis(DIM, 0), 1, -1, SearchFilter.NONE));
      assertThrows(
          IllegalArgumentException.class,
          () -> store.search(axis(DIM, 0), 10_000, 1, SearchFilter.NONE));
      assertThrows(
          IllegalArgumentException.class, () -> store.search(axis(4, 0), 1, 0, SearchFilter.NONE));
    }
  }

  @Test
  void folder_filter_returns_k_hits_from_the_folder_among_many_other_images() throws IOException {
    int dim = 16;
    Random random = new Random(42);
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(dim))) {
      for (int i = 0; i < 2000; i++) {
        String folder = i % 66 == 0 && i / 66 < 30 ? "/photos/2019/trip" : "/photos/other";
        store.upsert(record(folder + "/img" + i + ".jpg"), TestImages.random(random, dim));
      }
      store.commit();
      assertEquals(30, store.filesUnder(Path.of("/photos/2019")).size());
      List<SearchHit> hits =
          store.search(
              TestImages.random(random, dim), 10, 0, SearchFilter.NONE.withFolder("/photos/2019"));
      assertEquals(10, hits.size());
      assertTrue(hits.stream().allMatch(h -> h.record().folder().equals("/photos/2019/trip")));
      for (int i = 1; i < hits.size(); i++) {
        assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
      }
    }
  }

  @Test
  void date_filter_keeps_images_taken_in_the_range() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(
          record("/p/2018.jpg", "h18", Optional.of(Instant.parse("2018-06-01T00:00:00Z"))),
          axis(DIM, 0));
      store.upsert(
          record("/p/2019.jpg", "h19", Optional.of(Instant.parse("2019-06-01T00:00:00Z"))),
          axis(DIM, 1));
      store.upsert(
          record("/p/2020.jpg", "h20", Optional.of(Instant.parse("2020-06-01T00:00:00Z"))),
          axis(DIM, 2));
      store.upsert(record("/p/undated.jpg", "hu", Optional.empty()), axis(DIM, 3));
      store.commit();
      SearchFilter in2019 =
          SearchFilter.NONE.withTakenBetween(
              Instant.parse("2019-01-01T00:00:00Z"), Instant.parse("2019-12-31T23:59:59Z"));
      assertEquals(List.of("/p/2019.jpg"), paths(store.search(axis(DIM, 0), 10, 0, in2019)));
      SearchFilter since2019 =
          SearchFilter.NONE.withTakenBetween(Instant.parse("2019-06-01T00:00:00Z"), null);
      assertEquals(
          List.of("/p/2019.jpg", "/p/2020.jpg"),
          paths(store.search(unit(0, 2, 1, 0, 0, 0, 0, 0), 10, 0, since2019)));
    }
  }

  @Test
  void int8_quantized_index_finds_the_nearest_image() throws IOException {
    int dim = 32;
    Random random = new Random(7);
    float[][] vectors = new float[200][];
    IndexConfig config = IndexConfig.of(dim).withQuantization(Quantization.INT8).withHnsw(8, 50);
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, config)) {
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = TestImages.random(random, dim);
        store.upsert(record("/p/" + i + ".jpg"), vectors[i]);
      }
      store.commit();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      for (int i : new int[] {0, 57, 199}) {
        List<SearchHit> hits = store.search(vectors[i], 1, 0, SearchFilter.NONE);
        assertEquals("/p/" + i + ".jpg", hits.get(0).record().path());
        // int8 quantisation perturbs the dot product by about 1 / 127 per unit of norm
        assertEquals(1f, hits.get(0).score(), 0.05f);
      }
      assertEquals(
          Optional.of(vectors[57].length),
          store.vector(store.getByPath("/p/57.jpg").orElseThrow().id()).map(v -> v.length));
    }
  }

  /** Brute-force cosine top-k over the vectors the test wrote, for checking both strategies. */
  private static List<String> exactTop(
      float[] query,
      Map<String, float[]> vectors,
      int k,
      java.util.function.Predicate<String> keep) {
    return vectors.entrySet().stream()
        .filter(e -> keep.test(e.getKey()))
        .sorted(
            (a, b) ->
                Double.compare(
                    org.apache.lucene.util.VectorUtil.dotProduct(query, b.getValue()),
                    org.apache.lucene.util.VectorUtil.dotProduct(query, a.getValue())))
        .limit(k)
        .map(Map.Entry::getKey)
        .toList();
  }

  @Test
  void default_search_is_exact_on_indexes_up_to_the_limit_with_and_without_filters()
      throws IOException {
    int dim = 32;
    Random random = new Random(7);
    Map<String, float[]> written = new java.util.HashMap<>();
    try (LuceneVectorStore store =
        LuceneVectorStore.open(dir, IndexConfig.of(dim).withHnsw(4, 8))) {
      for (int i = 0; i < 3000; i++) {
        String path = (i % 10 == 0 ? "/photos/a/" : "/photos/b/") + i + ".jpg";
        float[] v = TestImages.random(random, dim);
        written.put(path, v);
        store.upsert(record(path), v);
        if (i % 1000 == 999) {
          store.commit(); // several segments, and deletes below
        }
      }
      for (int i = 0; i < 3000; i += 7) {
        String path = (i % 10 == 0 ? "/photos/a/" : "/photos/b/") + i + ".jpg";
        store.delete(path);
        written.remove(path);
      }
      store.commit();
      int exactMatches = 0;
      int graphMatches = 0;
      for (int q = 0; q < 20; q++) {
        float[] query = TestImages.random(random, dim);
        List<String> expected = exactTop(query, written, 10, p -> true);
        List<SearchHit> hits = store.search(query, 10, 0, SearchFilter.NONE);
        assertEquals(expected, paths(hits));
        // int8 picks the candidates, the floats score them: the float scan's scores exactly
        List<SearchHit> floatScan =
            store.search(query, 10, 0, SearchFilter.NONE, LuceneVectorStore.FLOAT_EXACT_STRATEGY);
        assertEquals(expected, paths(floatScan));
        for (int i = 0; i < hits.size(); i++) {
          assertEquals(floatScan.get(i).score(), hits.get(i).score(), paths(hits).get(i));
        }
        exactMatches++;
        List<String> inA = exactTop(query, written, 5, p -> p.startsWith("/photos/a/"));
        assertEquals(
            inA, paths(store.search(query, 5, 0, SearchFilter.NONE.withFolder("/photos/a"))));
        // The graph (a deliberately weak one: M=4, beam 8) with few candidates is approximate.
        List<String> graph = paths(store.search(query, 10, 0, SearchFilter.NONE, 10));
        if (graph.equals(expected)) {
          graphMatches++;
        }
      }
      assertEquals(20, exactMatches);
      assertTrue(graphMatches < 20, "the HNSW path was not exercised: every result exact");
    }
  }

  @Test
  void int8_copies_of_merged_away_segments_are_dropped() throws IOException {
    Random random = new Random(3);
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      for (int i = 0; i < 30; i++) {
        store.upsert(record("/p/" + i + ".jpg"), TestImages.random(random, DIM));
        if (i % 10 == 9) {
          store.commit();
        }
      }
      store.search(axis(DIM, 0), 3, 0, SearchFilter.NONE);
      assertEquals(3, store.segments());
      assertEquals(3, store.quantizedSegments());
      store.forceMerge(1);
      List<SearchHit> hits = store.search(axis(DIM, 0), 3, 0, SearchFilter.NONE);
      assertEquals(3, hits.size());
      assertEquals(1, store.quantizedSegments());
    }
  }
}
