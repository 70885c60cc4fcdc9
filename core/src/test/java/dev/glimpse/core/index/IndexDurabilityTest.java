package dev.glimpse.core.index;

import static dev.glimpse.core.index.TestImages.axis;
import static dev.glimpse.core.index.TestImages.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexDurabilityTest {
  private static final int DIM = 8;
  private static final ModelManifest MODEL =
      new ModelManifest(
          "openai/clip-vit-base-patch32", Optional.of("3d74acf"), DIM, "clip(224)", "cpu fp32");

  @TempDir Path dir;

  @Test
  void manifest_and_last_run_survive_commit_and_reopen() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.forModel(MODEL))) {
      store.upsert(record("/p/a.jpg"), axis(DIM, 0));
      store.commit(TestImages.lastRun(1, 0.5));
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertEquals(Optional.of(MODEL), store.manifest());
      IndexStats stats = store.stats();
      assertEquals(1, stats.images());
      assertEquals(DIM, stats.dimension());
      assertTrue(stats.sizeBytes() > 0);
      assertEquals(Optional.of(MODEL), stats.model());
      assertEquals(Optional.of(TestImages.lastRun(1, 0.5)), stats.lastRun());
    }
    // a writer opened without a model keeps the recorded one, and an empty summary keeps the last
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      assertEquals(Optional.of(MODEL), store.manifest());
      store.commit();
      assertEquals(Optional.of(TestImages.lastRun(1, 0.5)), store.stats().lastRun());
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertEquals(Optional.of(MODEL), store.manifest());
      assertEquals(Optional.of(TestImages.lastRun(1, 0.5)), store.stats().lastRun());
    }
  }

  @Test
  void read_only_store_sees_new_commits_of_the_writer_after_refresh() throws IOException {
    try (LuceneVectorStore writer = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      writer.upsert(record("/p/a.jpg"), axis(DIM, 0));
      writer.commit();
      try (LuceneVectorStore reader = LuceneVectorStore.openReadOnly(dir)) {
        assertEquals(1, reader.stats().images());
        writer.upsert(record("/p/b.jpg"), axis(DIM, 1));
        assertFalse(reader.refresh(), "uncommitted writes are invisible to other readers");
        assertEquals(Optional.empty(), reader.getByPath("/p/b.jpg"));
        writer.commit();
        assertTrue(reader.refresh());
        assertEquals(2, reader.stats().images());
        assertEquals(
            "/p/b.jpg",
            reader.search(axis(DIM, 1), 1, 0, SearchFilter.NONE).get(0).record().path());
      }
    }
  }

  @Test
  void reopening_with_another_dimension_names_both_dimensions_and_the_model() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.forModel(MODEL))) {
      store.upsert(record("/p/a.jpg"), axis(DIM, 0));
      store.commit();
    }
    IndexException e =
        assertThrows(IndexException.class, () -> LuceneVectorStore.open(dir, IndexConfig.of(16)));
    assertTrue(
        e.getMessage()
            .contains(
                "vector dimension 16 does not match index dimension 8 (model"
                    + " openai/clip-vit-base-patch32)"),
        e.getMessage());
    // the failed open released the lock
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      assertEquals(1, store.stats().images());
    }
  }

  @Test
  void reopening_with_another_model_of_the_same_dimension_is_refused() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.forModel(MODEL))) {
      store.commit();
    }
    ModelManifest other =
        new ModelManifest("openai/clip-vit-base-patch16", Optional.empty(), DIM, "", "");
    IndexException e =
        assertThrows(
            IndexException.class, () -> LuceneVectorStore.open(dir, IndexConfig.forModel(other)));
    assertTrue(e.getMessage().contains("openai/clip-vit-base-patch32"), e.getMessage());
    assertTrue(e.getMessage().contains("openai/clip-vit-base-patch16"), e.getMessage());
  }

  @Test
  void crash_before_commit_keeps_exactly_the_committed_images() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/p/a.jpg"), axis(DIM, 0));
      store.upsert(record("/p/b.jpg"), axis(DIM, 1));
      store.commit(TestImages.lastRun(2, 1.5));
      store.upsert(record("/p/c.jpg"), axis(DIM, 2));
      store.delete("/p/a.jpg");
      assertEquals(2, store.stats().images());
      // close without commit rolls the writer back, as a kill -9 would lose the same writes
    }
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      assertEquals(
          Map.of("/p/a.jpg", 1, "/p/b.jpg", 1),
          Map.of(
              "/p/a.jpg", store.getByPath("/p/a.jpg").isPresent() ? 1 : 0,
              "/p/b.jpg", store.getByPath("/p/b.jpg").isPresent() ? 1 : 0));
      assertEquals(Optional.empty(), store.getByPath("/p/c.jpg"));
      assertEquals(2, store.stats().images());
      assertEquals(Optional.of(TestImages.lastRun(2, 1.5)), store.stats().lastRun());
    }
  }

  @Test
  void killed_process_leaves_an_index_that_reopens_at_its_last_commit() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process run =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashingIndexRun.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "crashing run did not finish");
    assertEquals(137, run.exitValue());
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      assertTrue(store.getByPath("/p/a.jpg").isPresent(), "uncommitted delete is lost");
      assertTrue(store.getByPath("/p/b.jpg").isPresent());
      assertEquals(Optional.empty(), store.getByPath("/p/c.jpg"));
      assertEquals(2, store.stats().images());
      assertEquals(Optional.of(TestImages.lastRun(2, 1.5)), store.stats().lastRun());
      store.upsert(record("/p/d.jpg"), axis(DIM, 3));
      store.commit();
      assertEquals(3, store.stats().images());
    }
  }

  @Test
  void index_with_custom_hnsw_parameters_opens_with_lucenes_default_codec() throws IOException {
    float[] v = TestImages.unit(1, 2, 3, 4, 5, 6, 7, 8);
    IndexConfig config = IndexConfig.of(DIM).withHnsw(32, 200);
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, config)) {
      store.upsert(record("/p/a.jpg"), v);
      store.commit();
    }
    try (FSDirectory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      LeafReader leaf = reader.leaves().get(0).reader();
      FloatVectorValues values = leaf.getFloatVectorValues(IndexSchema.VECTOR);
      KnnVectorValues.DocIndexIterator it = values.iterator();
      assertEquals(0, it.nextDoc());
      assertArrayEquals(v, values.vectorValue(it.index()));
    }
  }
}
