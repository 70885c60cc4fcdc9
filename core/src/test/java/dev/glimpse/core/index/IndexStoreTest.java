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
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexStoreTest {
  private static final int DIM = 8;

  @TempDir Path dir;

  @Test
  void upserted_image_is_found_by_path_and_id_before_and_after_commit() throws IOException {
    ImageRecord cat =
        record("/photos/2019/cat.jpg", "abc", Optional.of(Instant.parse("2019-05-01T10:00:00Z")));
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(cat, axis(DIM, 0));
      // The store derives the id from the path's key under its root (/photos/2019 is r1).
      ImageRecord stored = withId(cat, ImageRecord.idFor("r1/cat.jpg"));
      assertEquals(Optional.of(stored), store.getByPath("/photos/2019/cat.jpg"));
      assertEquals(Optional.of(stored), store.getById(stored.id()));
      store.commit();
      assertEquals(Optional.of(stored), store.getByPath("/photos/2019/cat.jpg"));
      assertEquals(Optional.of(stored), store.getById(stored.id()));
      assertEquals(Optional.empty(), store.getByPath("/photos/2019/dog.jpg"));
      assertEquals(Optional.empty(), store.getById(ImageRecord.idFor("r1/dog.jpg")));
    }
  }

  @Test
  void record_round_trips_every_field_through_stored_fields() throws IOException {
    ImageRecord cat =
        record("/photos/cat.jpg", "abc", Optional.of(Instant.parse("2019-05-01T10:00:00Z")));
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(cat, axis(DIM, 0));
      store.commit();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      ImageRecord read = store.getByPath("/photos/cat.jpg").orElseThrow();
      assertEquals(withId(cat, ImageRecord.idFor("r1/cat.jpg")), read);
      assertEquals("/photos", read.folder());
      assertEquals(32, read.id().length());
      assertEquals(new GeoPoint(48.8578, 2.297), read.metadata().gps().orElseThrow());
    }
  }

  @Test
  void upsert_of_the_same_path_replaces_the_image() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/p/a.jpg", "h1", Optional.empty()), axis(DIM, 0));
      store.commit();
      store.upsert(record("/p/a.jpg", "h2", Optional.empty()), axis(DIM, 1));
      assertEquals("h2", store.getByPath("/p/a.jpg").orElseThrow().hash());
      store.commit();
      assertEquals(1, store.stats().images());
      assertEquals("h2", store.getByPath("/p/a.jpg").orElseThrow().hash());
      String id = store.getByPath("/p/a.jpg").orElseThrow().id();
      assertArrayEquals(axis(DIM, 1), store.vector(id).orElseThrow());
    }
  }

  @Test
  void deleted_image_is_gone_before_and_after_commit() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/p/a.jpg"), axis(DIM, 0));
      store.upsert(record("/p/b.jpg"), axis(DIM, 1));
      store.commit();
      String id = store.getByPath("/p/a.jpg").orElseThrow().id();
      store.delete("/p/a.jpg");
      assertEquals(Optional.empty(), store.getByPath("/p/a.jpg"));
      assertEquals(Optional.empty(), store.vector(id));
      assertEquals(Optional.empty(), store.getById(id));
      store.commit();
      assertEquals(Optional.empty(), store.getByPath("/p/a.jpg"));
      assertEquals(1, store.stats().images());
      store.delete("/p/never-indexed.jpg");
      assertEquals(1, store.stats().images());
    }
  }

  @Test
  void vector_by_hash_returns_the_stored_vector_of_identical_content() throws IOException {
    float[] v = TestImages.unit(1, 2, 3, 4, 5, 6, 7, 8);
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/p/a.jpg", "same", Optional.empty()), v);
      assertArrayEquals(v, store.vectorByHash("same").orElseThrow());
      store.commit();
      assertArrayEquals(v, store.vectorByHash("same").orElseThrow());
      assertEquals(Optional.empty(), store.vectorByHash("other"));
    }
  }

  @Test
  void files_under_a_folder_lists_descendants_with_their_state() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/photos/2019/a.jpg"), axis(DIM, 0));
      store.upsert(record("/photos/2019/trip/b.jpg"), axis(DIM, 1));
      store.upsert(record("/photos/2020/c.jpg"), axis(DIM, 2));
      store.upsert(record("/photos/2019x/d.jpg"), axis(DIM, 3));
      Map<String, FileState> under = store.filesUnder(Path.of("/photos/2019"));
      assertEquals(
          Map.of(
              "/photos/2019/a.jpg",
              new FileState(1234, 1_700_000_000_000L, "hash-/photos/2019/a.jpg"),
              "/photos/2019/trip/b.jpg",
              new FileState(1234, 1_700_000_000_000L, "hash-/photos/2019/trip/b.jpg")),
          under);
      assertEquals(4, store.filesUnder(Path.of("/")).size());
      assertTrue(store.filesUnder(Path.of("/elsewhere")).isEmpty());
    }
  }

  @Test
  void read_only_store_refuses_writes() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      store.upsert(record("/p/a.jpg"), axis(DIM, 0));
      store.commit();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertTrue(store.readOnly());
      assertThrows(
          IllegalStateException.class, () -> store.upsert(record("/p/b.jpg"), axis(DIM, 1)));
      assertThrows(IllegalStateException.class, () -> store.delete("/p/a.jpg"));
      assertThrows(IllegalStateException.class, () -> store.commit());
    }
  }

  @Test
  void second_writer_gets_a_clear_error_naming_the_directory() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      IndexException e =
          assertThrows(
              IndexException.class, () -> LuceneVectorStore.open(dir, IndexConfig.of(DIM)));
      assertTrue(e.getMessage().contains("another glimpse index run is using " + dir));
      assertFalse(store.readOnly());
    }
  }

  @Test
  void read_only_open_of_a_missing_index_says_so() {
    IndexException e =
        assertThrows(
            IndexException.class, () -> LuceneVectorStore.openReadOnly(dir.resolve("none")));
    assertTrue(e.getMessage().contains("no glimpse index at"), e.getMessage());
  }

  @Test
  void upsert_rejects_vectors_of_the_wrong_dimension_or_length() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      IllegalArgumentException wrongDim =
          assertThrows(
              IllegalArgumentException.class,
              () -> store.upsert(record("/p/a.jpg"), axis(DIM + 1, 0)));
      assertTrue(
          wrongDim.getMessage().contains("vector dimension 9 does not match index dimension 8"));
      float[] notUnit = new float[DIM];
      notUnit[0] = 2f;
      assertThrows(IllegalArgumentException.class, () -> store.upsert(record("/p/a.jpg"), notUnit));
    }
  }

  private static ImageRecord withId(ImageRecord r, String id) {
    return new ImageRecord(id, r.path(), r.folder(), r.size(), r.mtime(), r.hash(), r.metadata());
  }
}
