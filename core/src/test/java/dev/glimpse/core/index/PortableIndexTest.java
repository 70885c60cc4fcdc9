package dev.glimpse.core.index;

import static dev.glimpse.core.index.TestImages.axis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths stored relative to roots: moving photos and index, re-pointing roots, legacy indexes. */
class PortableIndexTest {
  private static final int DIM = 8;

  @TempDir Path tmp;

  /** Writes a small file and returns its record (the store only needs path, size and hash). */
  private static ImageRecord photo(Path file, String hash) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, hash);
    return ImageRecord.of(file, Files.size(file), 1_700_000_000_000L, hash, ImageMetadata.UNKNOWN);
  }

  private static void index(Path indexDir, Path photos) throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.open(indexDir, IndexConfig.of(DIM))) {
      store.addRoot(photos);
      store.upsert(photo(photos.resolve("cat.jpg"), "h-cat"), axis(DIM, 0));
      store.upsert(photo(photos.resolve("2019/trip/dog.jpg"), "h-dog"), axis(DIM, 1));
      store.commit();
    }
  }

  /** Asserts that the store finds both photos at their paths under {@code photos}, and no more. */
  private static void assertFindsBothUnder(LuceneVectorStore store, Path photos)
      throws IOException {
    Path dog = photos.resolve("2019/trip/dog.jpg");
    ImageRecord hit = store.search(axis(DIM, 1), 1, 0, SearchFilter.NONE).get(0).record();
    assertEquals(dog.toString(), hit.path());
    assertEquals(dog.getParent().toString(), hit.folder());
    assertTrue(Files.isRegularFile(Path.of(hit.path())), "the server could serve " + hit.path());
    assertEquals(Optional.of(hit), store.getByPath(dog.toString()));
    assertEquals(Optional.of(hit), store.getById(hit.id()));
    assertEquals(
        Set.of(photos.resolve("cat.jpg").toString(), dog.toString()),
        store.filesUnder(photos).keySet());
    List<SearchHit> inTrip =
        store.search(
            axis(DIM, 0), 5, 0, SearchFilter.NONE.withFolder(photos.resolve("2019").toString()));
    assertEquals(List.of(dog.toString()), inTrip.stream().map(h -> h.record().path()).toList());
    Path outside = photos.resolveSibling("not-a-root");
    assertTrue(store.filesUnder(outside).isEmpty());
    assertTrue(
        store
            .search(axis(DIM, 0), 5, 0, SearchFilter.NONE.withFolder(outside.toString()))
            .isEmpty());
    assertEquals(Optional.empty(), store.getByPath(outside.resolve("cat.jpg").toString()));
  }

  @Test
  void index_inside_the_photo_folder_moves_with_it() throws IOException {
    Path photos = tmp.resolve("disk1/photos");
    Path indexDir = photos.resolve("index");
    index(indexDir, photos);
    String id;
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
      assertTrue(store.portable());
      assertEquals(Map.of("r1", ".."), store.roots().recorded());
      id = store.getByPath(photos.resolve("cat.jpg").toString()).orElseThrow().id();
      assertEquals(ImageRecord.idFor("r1/cat.jpg"), id);
    }
    Files.createDirectories(tmp.resolve("disk2"));
    Path moved = Files.move(tmp.resolve("disk1/photos"), tmp.resolve("disk2/photos"));
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(moved.resolve("index"))) {
      assertFindsBothUnder(store, moved);
      assertEquals(id, store.getByPath(moved.resolve("cat.jpg").toString()).orElseThrow().id());
      assertEquals(Optional.empty(), store.getByPath(photos.resolve("cat.jpg").toString()));
    }
  }

  @Test
  void index_beside_the_photo_folder_moves_with_it() throws IOException {
    Path photos = tmp.resolve("disk1/library/photos");
    Path indexDir = tmp.resolve("disk1/library/glimpse-index");
    index(indexDir, photos);
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
      assertEquals(Map.of("r1", "../photos"), store.roots().recorded());
    }
    Files.createDirectories(tmp.resolve("disk2"));
    Path library = Files.move(tmp.resolve("disk1/library"), tmp.resolve("disk2/library"));
    try (LuceneVectorStore store =
        LuceneVectorStore.openReadOnly(library.resolve("glimpse-index"))) {
      assertFindsBothUnder(store, library.resolve("photos"));
    }
  }

  @Test
  void roots_resolve_against_the_base_folder_given() throws IOException {
    Path home = tmp.resolve("photos/.glimpse");
    Path generation = home.resolve("g2");
    Path photos = tmp.resolve("photos");
    try (LuceneVectorStore store = LuceneVectorStore.open(generation, home, IndexConfig.of(DIM))) {
      store.addRoot(photos);
      store.upsert(photo(photos.resolve("cat.jpg"), "h-cat"), axis(DIM, 0));
      store.commit();
      assertEquals(home, store.base());
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(generation, home)) {
      assertEquals(Map.of("r1", ".."), store.roots().recorded(), "relative to the home folder");
      assertTrue(store.getByPath(photos.resolve("cat.jpg").toString()).isPresent());
    }
  }

  @Test
  void moving_a_root_repoints_paths_without_rewriting_documents() throws IOException {
    Path photos = tmp.resolve("old-disk/photos");
    Path indexDir = tmp.resolve("elsewhere/index");
    index(indexDir, photos);
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
      assertEquals(Map.of("r1", photos.toString()), store.roots().recorded(), "absolute");
    }
    Files.createDirectories(tmp.resolve("new-disk"));
    Path moved = Files.move(photos, tmp.resolve("new-disk/photos"));
    Set<String> filesBefore = indexFiles(indexDir);
    try (LuceneVectorStore reader = LuceneVectorStore.openReadOnly(indexDir)) {
      Roots after = LuceneVectorStore.moveRoot(indexDir, indexDir, photos.toString(), moved);
      assertEquals(Map.of("r1", moved.toString()), after.recorded());
      assertTrue(reader.refresh(), "a running reader sees the move");
      assertFindsBothUnder(reader, moved);
    }
    Set<String> added = indexFiles(indexDir);
    added.removeAll(filesBefore);
    assertTrue(
        added.stream().allMatch(f -> f.startsWith("segments_")),
        "only a new commit point was written: " + added);
  }

  private static Set<String> indexFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new java.util.HashSet<>(files.map(f -> f.getFileName().toString()).toList());
    }
  }

  @Test
  void moving_a_root_refuses_unknown_roots_missing_folders_overlaps_and_a_held_lock()
      throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path indexDir = tmp.resolve("index");
    try (LuceneVectorStore store = LuceneVectorStore.open(indexDir, IndexConfig.of(DIM))) {
      store.upsert(photo(a.resolve("1.jpg"), "h1"), axis(DIM, 0));
      store.upsert(photo(b.resolve("2.jpg"), "h2"), axis(DIM, 1));
      store.commit();
      IndexException locked =
          assertThrows(
              IndexException.class,
              () -> LuceneVectorStore.moveRoot(indexDir, indexDir, "r1", tmp));
      assertTrue(locked.getMessage().contains("write.lock"), locked.getMessage());
    }
    IndexException unknown =
        assertThrows(
            IndexException.class, () -> LuceneVectorStore.moveRoot(indexDir, indexDir, "r9", b));
    assertTrue(unknown.getMessage().contains("no root r9"), unknown.getMessage());
    IndexException missing =
        assertThrows(
            IndexException.class,
            () -> LuceneVectorStore.moveRoot(indexDir, indexDir, "r1", tmp.resolve("nope")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    Path insideB = Files.createDirectories(b.resolve("sub"));
    IndexException overlap =
        assertThrows(
            IndexException.class,
            () -> LuceneVectorStore.moveRoot(indexDir, indexDir, a.toString(), insideB));
    assertTrue(overlap.getMessage().contains("overlaps root r2"), overlap.getMessage());
  }

  @Test
  void nested_roots_move_along_with_the_outer_one_and_keep_their_keys() throws IOException {
    Path photos = tmp.resolve("photos");
    Path indexDir = tmp.resolve("index");
    try (LuceneVectorStore store = LuceneVectorStore.open(indexDir, IndexConfig.of(DIM))) {
      assertEquals("r1", store.addRoot(photos.resolve("2019")));
      store.upsert(photo(photos.resolve("2019/a.jpg"), "ha"), axis(DIM, 0));
      assertEquals("r2", store.addRoot(photos), "an outer root is a new root");
      assertEquals("r2", store.addRoot(photos.resolve("2020")), "inside r2: no new root");
      store.upsert(photo(photos.resolve("2020/b.jpg"), "hb"), axis(DIM, 1));
      store.commit();
      assertEquals(
          ImageRecord.idFor("r1/a.jpg"), store.getByPath(s(photos, "2019/a.jpg")).get().id());
      assertEquals(
          ImageRecord.idFor("r2/2020/b.jpg"), store.getByPath(s(photos, "2020/b.jpg")).get().id());
      assertEquals(2, store.filesUnder(photos).size(), "the outer folder holds the inner root");
      assertEquals(Map.of("r1", 1L, "r2", 1L), store.imagesPerRoot());
    }
    Path moved = Files.move(photos, tmp.resolve("moved"));
    Roots after = LuceneVectorStore.moveRoot(indexDir, indexDir, "r2", moved);
    assertEquals(Map.of("r1", "../moved/2019", "r2", "../moved"), after.recorded(), "beside");
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
      assertEquals(
          Set.of(s(moved, "2019/a.jpg"), s(moved, "2020/b.jpg")), store.filesUnder(moved).keySet());
    }
  }

  private static String s(Path folder, String relative) {
    return folder.resolve(relative).toString();
  }

  @Test
  void remembered_settings_survive_commit_and_reopen() throws IOException {
    Path photos = tmp.resolve("photos");
    Path more = tmp.resolve("more");
    Path indexDir = tmp.resolve("index");
    try (LuceneVectorStore store = LuceneVectorStore.open(indexDir, IndexConfig.of(DIM))) {
      assertEquals(Optional.empty(), store.settings());
      store.remember(new IndexSettings(List.of(photos, more), true, 1234));
      store.upsert(photo(photos.resolve("a.jpg"), "ha"), axis(DIM, 0));
      store.commit();
    }
    IndexSettings expected = new IndexSettings(List.of(photos, more), true, 1234);
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(indexDir)) {
      assertEquals(Optional.of(expected), store.settings());
    }
    try (LuceneVectorStore store = LuceneVectorStore.open(indexDir, IndexConfig.of(DIM))) {
      assertEquals(Optional.of(expected), store.settings());
    }
  }

  /**
   * An index written by the first release (schema 1, absolute paths, no roots), checked in: see
   * src/test/resources/legacy-index-v1/README.md.
   */
  private Path legacyIndex() throws IOException {
    Path source = Path.of("src/test/resources/legacy-index-v1");
    Path copy = Files.createDirectories(tmp.resolve("legacy"));
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().endsWith(".md")) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
    }
    return copy;
  }

  @Test
  void legacy_absolute_path_index_stays_searchable() throws IOException {
    Path dir = legacyIndex();
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertFalse(store.portable());
      assertEquals(Roots.NONE, store.roots());
      assertEquals(Optional.empty(), store.settings());
      assertEquals(4, store.stats().images());
      ImageRecord b = store.search(axis(DIM, 1), 1, 0, SearchFilter.NONE).get(0).record();
      assertEquals("/legacy/photos/2019/trip/b.jpg", b.path());
      assertEquals("/legacy/photos/2019/trip", b.folder());
      assertEquals(ImageRecord.idFor("/legacy/photos/2019/trip/b.jpg"), b.id(), "ids unchanged");
      assertEquals(Optional.of(b), store.getById(b.id()));
      assertEquals(Optional.of(b), store.getByPath(b.path()));
      assertEquals(3, store.filesUnder(Path.of("/legacy/photos")).size());
      assertEquals(
          2,
          store
              .search(axis(DIM, 0), 10, 0, SearchFilter.NONE.withFolder("/legacy/photos/2019"))
              .size());
    }
  }

  @Test
  void legacy_index_keeps_absolute_paths_when_written_and_refuses_root_moves() throws IOException {
    Path dir = legacyIndex();
    try (LuceneVectorStore store = LuceneVectorStore.open(dir, IndexConfig.of(DIM))) {
      assertFalse(store.portable());
      store.remember(IndexSettings.defaults(List.of(Path.of("/legacy/photos"))));
      ImageRecord a = store.getByPath("/legacy/photos/2019/a.jpg").orElseThrow();
      store.upsert(a, axis(DIM, 5)); // re-indexed: replaces, no duplicate
      store.upsert(TestImages.record("/legacy/photos/2021/e.jpg"), axis(DIM, 6));
      store.commit();
    }
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(dir)) {
      assertFalse(store.portable());
      assertEquals(5, store.stats().images());
      assertEquals(4, store.filesUnder(Path.of("/legacy/photos")).size());
      assertEquals(
          ImageRecord.idFor("/legacy/photos/2021/e.jpg"),
          store.getByPath("/legacy/photos/2021/e.jpg").orElseThrow().id());
      assertEquals(List.of(Path.of("/legacy/photos")), store.settings().orElseThrow().roots());
      assertEquals(Map.of("r1", 4L), store.imagesPerRoot());
    }
    IndexException refused =
        assertThrows(
            IndexException.class,
            () ->
                LuceneVectorStore.moveRoot(
                    dir, dir, "r1", Files.createDirectories(tmp.resolve("x"))));
    assertTrue(refused.getMessage().contains("--reindex"), refused.getMessage());
  }

  @Test
  void an_index_of_a_newer_schema_is_refused_with_a_clear_message() throws IOException {
    assertEquals(
        "the index has schema version 3, this glimpse reads versions 1 to 2; use a newer glimpse",
        assertThrows(
                IndexException.class,
                () -> CommitData.schema(Map.of(CommitData.SCHEMA_KEY, "3"), true))
            .getMessage());
  }

  @Test
  void folder_keys_list_every_ancestor_up_to_the_root() {
    assertEquals(List.of("r1", "r1/2019", "r1/2019/trip"), IndexSchema.folderTree("r1/2019/trip"));
    assertEquals(List.of("r12"), IndexSchema.folderTree("r12"));
  }

  @Test
  void roots_are_recorded_relative_only_inside_or_beside_the_base() {
    Path base = Path.of("/data/photos/index");
    assertEquals("..", Roots.record(Path.of("/data/photos"), base));
    assertEquals("../..", Roots.record(Path.of("/data"), base));
    assertEquals("../2019", Roots.record(Path.of("/data/photos/2019"), base));
    assertEquals("/mnt/other", Roots.record(Path.of("/mnt/other"), base));
    assertEquals("/", Roots.record(Path.of("/"), base), "the file system root stays absolute");
    assertEquals(
        Path.of("/data/photos/2019"), new Roots(Map.of("r1", "../2019")).resolve("r1", base));
  }
}
