package dev.glimpse.core.indexing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.ContentHash;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real watcher on a temporary folder, writing a real Lucene index with the tiny model. */
class FolderWatcherTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static ClipModel model;
  @TempDir Path tmp;
  private Path photos;
  private Path index;
  private IndexFixtures.CountingEncoder encoder;
  private final List<WatchBatch> batches = new CopyOnWriteArrayList<>();
  private FolderWatcher watcher;

  @BeforeAll
  static void load() throws Exception {
    model = IndexFixtures.tinyModel();
  }

  @AfterAll
  static void unload() {
    model.close();
  }

  @BeforeEach
  void folders() throws IOException {
    photos = Files.createDirectories(tmp.resolve("photos")).toRealPath();
    index = tmp.toRealPath().resolve("index");
    encoder = new IndexFixtures.CountingEncoder(model);
  }

  @AfterEach
  void stop() throws Exception {
    if (watcher != null) {
      watcher.close();
    }
  }

  private static IndexConfig config() {
    return IndexConfig.forModel(
        new ModelManifest("tiny-clip-hf", Optional.empty(), 32, "clip(64)", "test"));
  }

  private void startWatcher(int commitEvery) throws Exception {
    startWatcher(commitEvery, WritableIndex.at(index, config()));
  }

  private void startWatcher(int commitEvery, WritableIndex target) throws Exception {
    IndexingOptions options =
        new IndexingOptions(
            List.of(photos), 4, 2, false, commitEvery, Duration.ofSeconds(30), false, 50L << 20);
    WatchConfig timing =
        new WatchConfig(
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            WatchConfig.DEFAULT_RESCAN_INTERVAL,
            Duration.ofMillis(200));
    watcher =
        new FolderWatcher(
            target, encoder, options, new ImageDecoder(), Set.of(index), timing, batches::add);
    watcher.start();
    awaitTrue("the start rescan", () -> !batches.isEmpty());
    assertTrue(batches.getFirst().fullRescan(), "the first batch rescans the roots");
  }

  private static Path sample(String name) {
    return IndexFixtures.samplePhotos().resolve(name);
  }

  private Optional<ImageRecord> record(Path p) throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      return store.getByPath(p.toString());
    }
  }

  private float[] vector(Path p) throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      // ids derive from the root-relative key: read the record's id back from the store
      String id = store.getByPath(p.toString()).orElseThrow().id();
      return store.vector(id).orElseThrow();
    }
  }

  private long images() throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      return store.stats().images();
    }
  }

  private long commitGeneration() throws IOException {
    try (FSDirectory dir = FSDirectory.open(index)) {
      return SegmentInfos.getLastCommitGeneration(dir);
    }
  }

  /** Polls a condition; the deadline is only a safety net against a hang. */
  private static void awaitTrue(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.call()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /**
   * An entry whose file vanished without an event the watcher saw (here: planted in the index
   * directly) leaves the index when someone asks for its folder to be looked at again, as the
   * server does for a search hit whose file is gone.
   */
  @Test
  void a_requested_rescan_removes_an_entry_whose_file_is_gone() throws Exception {
    Files.copy(sample("plant-flower.jpg"), photos.resolve("flower.jpg"));
    startWatcher(10);
    assertEquals(1, images());
    Path ghost = photos.resolve("ghost.jpg");
    try (LuceneVectorStore store = LuceneVectorStore.open(index, config())) {
      ImageRecord flower = store.getByPath(photos.resolve("flower.jpg").toString()).orElseThrow();
      store.upsert(
          ImageRecord.of(ghost, flower.size(), flower.mtime(), "ghost-hash", flower.metadata()),
          store.vector(flower.id()).orElseThrow());
      store.commit();
    }
    assertEquals(2, images());
    int before = batches.size();
    watcher.requestRescan(tmp.resolve("elsewhere")); // outside the roots: ignored
    watcher.requestRescan(photos);
    awaitTrue("a batch for the requested folder", () -> batches.size() > before);
    WatchBatch batch = batches.get(before);
    assertEquals(List.of(photos), batch.folders());
    assertEquals(1, batch.summary().removed());
    assertEquals(1, images());
    assertTrue(record(ghost).isEmpty());
  }

  @Test
  void a_new_photo_is_indexed_and_a_deleted_one_is_removed() throws Exception {
    startWatcher(500);
    Path pizza = photos.resolve("pizza.jpg");
    Files.copy(sample("food-pizza.jpg"), pizza);
    awaitTrue("pizza indexed", () -> record(pizza).isPresent());
    assertEquals(ContentHash.of(Files.readAllBytes(pizza)), record(pizza).get().hash());

    Files.delete(pizza);
    awaitTrue("pizza removed", () -> record(pizza).isEmpty());
    assertEquals(0, images());
  }

  @Test
  void a_photo_replaced_by_another_gets_the_new_content_and_vector() throws Exception {
    Path photo = photos.resolve("photo.jpg");
    Files.copy(sample("food-pizza.jpg"), photo);
    startWatcher(500);
    assertTrue(record(photo).isPresent(), "indexed by the start rescan");
    float[] before = vector(photo);

    Files.copy(sample("plant-flower.jpg"), photo, StandardCopyOption.REPLACE_EXISTING);
    String flower = ContentHash.of(Files.readAllBytes(sample("plant-flower.jpg")));
    awaitTrue(
        "the new content", () -> record(photo).map(r -> r.hash().equals(flower)).orElse(false));
    float[] after = vector(photo);
    assertTrue(
        cosine(before, after) < 0.999, "the vector changed: cosine " + cosine(before, after));
    assertEquals(1, images());
  }

  @Test
  void a_renamed_photo_keeps_its_vector_under_the_new_path() throws Exception {
    Path old = photos.resolve("cats.jpg");
    Files.copy(sample("animal-two-cats.jpg"), old);
    startWatcher(500);
    float[] before = vector(old);
    long encoded = encoder.images.get();

    Path renamed = Files.createDirectories(photos.resolve("pets")).resolve("two-cats.jpg");
    Files.move(old, renamed);
    awaitTrue(
        "the new path in, the old one out",
        () -> record(renamed).isPresent() && record(old).isEmpty());
    assertArrayEquals(before, vector(renamed), "same vector");
    assertEquals(encoded, encoder.images.get(), "not encoded again");
    assertEquals(1, images());
  }

  @Test
  void a_new_subfolder_is_indexed_and_then_watched() throws Exception {
    startWatcher(500);
    Path deep = Files.createDirectories(photos.resolve("2024").resolve("summer"));
    Path hidden = Files.createDirectories(photos.resolve("2024").resolve(".thumbs"));
    Files.copy(sample("city-pagoda-china.jpg"), deep.resolve("pagoda.jpg"));
    Files.copy(sample("food-noodle-bowl.jpg"), deep.resolve("noodles.jpg"));
    Files.copy(sample("sign-stop-sign.jpg"), hidden.resolve("stop.jpg"));
    awaitTrue("both photos in the new folders", () -> images() == 2);
    assertTrue(record(deep.resolve("pagoda.jpg")).isPresent());
    assertTrue(record(hidden.resolve("stop.jpg")).isEmpty(), "hidden folders are left out");

    // A later change inside the new folder proves it is watched, not only walked once.
    Path later = deep.resolve("bridge.jpg");
    Files.copy(sample("city-bridge-at-night.jpg"), later);
    awaitTrue("the later photo", () -> record(later).isPresent());
    assertEquals(3, images());
  }

  @Test
  void a_burst_of_300_files_is_indexed_with_far_fewer_commits_than_files() throws Exception {
    startWatcher(50);
    long generationBefore = commitGeneration();
    int total = 300;
    writeDistinctCopies(total, 7);
    // The batches' own counts say when they are done; the index is the oracle for the rest.
    awaitTrue(
        "batches that encoded all 300",
        () -> batches.stream().mapToLong(b -> b.summary().indexed()).sum() >= total);
    long commits = commitGeneration() - generationBefore;
    assertTrue(commits >= 1 && commits <= total / 10, commits + " commits for " + total + " files");
    assertEquals(total, images());
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      assertEquals(total, store.filesUnder(photos).size(), "distinct paths");
    }
    assertEquals(total, encoder.images.get(), "every file encoded once");
    assertFalse(batches.stream().skip(1).anyMatch(WatchBatch::fullRescan), "no rescan was needed");
  }

  @Test
  void close_mid_burst_keeps_committed_work_and_a_new_watcher_catches_up() throws Exception {
    startWatcher(5);
    int total = 120;
    writeDistinctCopies(total, 3);
    awaitTrue("a first commit of the burst", () -> images() >= 5);
    watcher.close(); // cancels the running batch; returns once the thread is gone
    long kept = images();
    assertTrue(kept >= 5, "committed work stays: " + kept);

    batches.clear();
    startWatcher(5); // the write lock was released; its start rescan does the rest
    awaitTrue("all " + total + " indexed", () -> images() == total);
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      assertEquals(total, store.filesUnder(photos).size(), "distinct paths");
    }
  }

  @Test
  @SuppressWarnings("try") // the store below is opened only to hold the index's write lock
  void no_write_lock_is_held_while_idle_and_a_busy_index_is_retried() throws Exception {
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    WritableIndex plain = WritableIndex.at(index, config());
    startWatcher(
        500,
        new WritableIndex() {
          @Override
          public Path location() throws IOException {
            return plain.location();
          }

          @Override
          public dev.glimpse.core.index.VectorStore open(Path location) throws IOException {
            try {
              return plain.open(location);
            } catch (IOException e) {
              refused.incrementAndGet(); // the write lock is held (by the test, below)
              throw e;
            }
          }
        });
    Path pizza = photos.resolve("pizza.jpg");
    // Opening the index for writing succeeds only because the idle watcher does not hold it.
    try (LuceneVectorStore other = LuceneVectorStore.open(index, config())) {
      Files.copy(sample("food-pizza.jpg"), pizza);
      awaitTrue("a batch that found the index busy", () -> refused.get() >= 1);
    }
    awaitTrue("the retried batch", () -> record(pizza).isPresent());
    assertEquals(1, images());
  }

  @Test
  void a_new_index_location_gets_a_full_rescan_into_it() throws Exception {
    Files.copy(sample("food-pizza.jpg"), photos.resolve("pizza.jpg"));
    Path first = index;
    Path second = tmp.toRealPath().resolve("generation-2");
    java.util.concurrent.atomic.AtomicReference<Path> current =
        new java.util.concurrent.atomic.AtomicReference<>(first);
    startWatcher(
        500,
        new WritableIndex() {
          @Override
          public Path location() {
            return current.get();
          }

          @Override
          public dev.glimpse.core.index.VectorStore open(Path location) throws IOException {
            return LuceneVectorStore.open(location, config());
          }
        });
    current.set(second); // as a --reindex switching the CURRENT pointer would
    Path flower = photos.resolve("flower.jpg");
    Files.copy(sample("plant-flower.jpg"), flower);
    awaitTrue("a batch into the new location", () -> batches.size() >= 2);
    assertTrue(batches.get(1).fullRescan(), "a new location means a full rescan");
    index = second;
    assertTrue(record(photos.resolve("pizza.jpg")).isPresent(), "the older photo is in it too");
    assertTrue(record(flower).isPresent());
    assertEquals(2, images());
  }

  /** Writes {@code total} distinct JPEGs into {@code folders} subfolders of the photo root. */
  private void writeDistinctCopies(int total, int folders) throws IOException {
    List<Path> jpegs;
    try (var files = Files.list(IndexFixtures.samplePhotos())) {
      jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    for (int i = 0; i < total; i++) {
      // Bytes after the JPEG end marker make each copy distinct content that decodes the same.
      byte[] base = Files.readAllBytes(jpegs.get(i % jpegs.size()));
      byte[] bytes = ByteBuffer.allocate(base.length + 4).put(base).putInt(i).array();
      Path folder = Files.createDirectories(photos.resolve("burst-" + (i % folders)));
      Files.write(folder.resolve("copy-" + i + ".jpg"), bytes);
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
