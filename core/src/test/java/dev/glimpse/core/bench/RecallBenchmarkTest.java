package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecallBenchmarkTest {
  @TempDir Path tmp;

  @Test
  void exact_top_k_picks_the_largest_dot_products() {
    List<float[]> vectors =
        List.of(
            new float[] {1, 0}, new float[] {0, 1}, new float[] {0.8f, 0.6f}, new float[] {-1, 0});
    Set<String> top =
        RecallBenchmark.exactTopK(new float[] {1, 0}, List.of("a", "b", "c", "d"), vectors, 2);
    assertEquals(Set.of("a", "c"), top);
  }

  @Test
  void hnsw_on_a_small_index_has_full_recall_and_every_vector_is_read_back() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    try (LuceneVectorStore store = LuceneVectorStore.open(tmp, IndexConfig.of(16))) {
      for (int i = 0; i < 300; i++) {
        store.upsert(
            ImageRecord.of(
                Path.of("/synthetic/" + i + ".jpg"), 1, 1, "h" + i, ImageMetadata.UNKNOWN),
            LoadIndexBuilder.randomUnitVector(16, random));
      }
      store.commit();
      List<float[]> queries = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        queries.add(LoadIndexBuilder.randomUnitVector(16, random));
      }
      // 300 vectors < 400 candidates: HNSW visits them all, so the search is exact
      RecallBenchmark.Result r = RecallBenchmark.run(store, queries, 10, new int[] {400}, s -> {});
      assertEquals(300, r.vectors());
      assertEquals(1.0, r.points().get(0).meanRecall(), 1e-9);
      assertTrue(r.points().get(0).p50Millis() >= 0);
    }
  }
}
