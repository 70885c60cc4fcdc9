package dev.glimpse.core.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.LastRun;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.VectorStore;
import dev.glimpse.core.testing.DenyingFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIndexerTest {
  private static ClipModel model;
  @TempDir Path tmp;

  @BeforeAll
  static void load() throws Exception {
    model = IndexFixtures.tinyModel();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private IndexConfig config() {
    return IndexConfig.forModel(
        new ModelManifest("tiny-clip-hf", Optional.empty(), 32, "clip(64)", "test"));
  }

  private IndexingSummary index(Path index, IndexFixtures.CountingEncoder encoder, Path... roots)
      throws Exception {
    IndexingOptions options =
        new IndexingOptions(
            List.of(roots), 4, 2, false, 5, Duration.ofSeconds(30), false, 50L << 20);
    try (LuceneVectorStore store = LuceneVectorStore.open(index, config())) {
      return new ImageIndexer(
              encoder, store, options, new ImageDecoder(), Set.of(index), IndexingListener.NONE)
          .run();
    }
  }

  private static long count(Path index) throws IOException {
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      return store.stats().images();
    }
  }

  private static byte[] pngHeaderClaiming(int width, int height) {
    // Signature + IHDR chunk only: the decoder must refuse it from the header, before decoding.
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII));
    b.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 12, 17);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  @Test
  void indexes_real_photos_and_skips_bad_files_by_reason() throws Exception {
    Path photos = tmp.resolve("photos");
    List<Path> good = IndexFixtures.copySamples(photos, 10);
    Path bad = Files.createDirectories(photos.resolve("bad"));
    Files.write(bad.resolve("empty.jpg"), new byte[0]);
    byte[] jpeg = Files.readAllBytes(good.get(1));
    Files.write(bad.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 3));
    Files.writeString(bad.resolve("notes.txt"), "not a photo");
    Files.writeString(bad.resolve("fake.png"), "<html>not a png</html>");
    Files.write(bad.resolve("bomb.png"), pngHeaderClaiming(40_000, 40_000));
    byte[] heic = new byte[64];
    System.arraycopy(
        new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, 0, heic, 0, 12);
    Files.write(bad.resolve("IMG_0001.HEIC"), heic);
    // Content wins over the name: a PNG named .jpg is indexed.
    Files.copy(
        IndexFixtures.resource("/fixtures/tiny-clip-hf/images/coins.png"),
        photos.resolve("coins.jpg"));
    // Hidden folders are not walked.
    Path hidden = Files.createDirectories(photos.resolve(".thumbnails"));
    Files.copy(good.get(0), hidden.resolve("thumb.jpg"));

    IndexFixtures.CountingEncoder encoder = new IndexFixtures.CountingEncoder(model);
    Path index = tmp.resolve("index");
    IndexingSummary s = index(index, encoder, photos);

    assertEquals(11, s.indexed(), s.toString());
    assertEquals(11, encoder.images.get());
    assertEquals(1L, s.skipped().get(SkipReason.EMPTY), s.skipped().toString());
    assertEquals(2L, s.skipped().get(SkipReason.NOT_AN_IMAGE), s.skipped().toString());
    assertEquals(1L, s.skipped().get(SkipReason.TOO_MANY_PIXELS), s.skipped().toString());
    assertEquals(1L, s.skipped().get(SkipReason.UNSUPPORTED_FORMAT), s.skipped().toString());
    long truncatedOrCorrupt =
        s.skipped().getOrDefault(SkipReason.TRUNCATED, 0L)
            + s.skipped().getOrDefault(SkipReason.CORRUPT, 0L);
    assertEquals(1, truncatedOrCorrupt, s.skipped().toString());
    assertEquals(6, s.skippedFiles().size());
    assertTrue(
        s.skippedFiles().stream()
            .anyMatch(
                f -> f.path().endsWith("bomb.png") && f.reason() == SkipReason.TOO_MANY_PIXELS));
    assertEquals(11, count(index));
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      assertTrue(store.getByPath(hidden.resolve("thumb.jpg").toString()).isEmpty());
      ImageRecord bee =
          store.getByPath(photos.resolve("animal-honey-bee-on-aster.jpg").toString()).orElseThrow();
      assertEquals("jpeg", bee.metadata().format());
      assertEquals(1620, bee.metadata().width());
      assertEquals(1280, bee.metadata().height());
      assertEquals(Optional.of("NIKON CORPORATION"), bee.metadata().cameraMake());
      assertTrue(bee.metadata().takenAt().isPresent());
      ImageRecord coins = store.getByPath(photos.resolve("coins.jpg").toString()).orElseThrow();
      assertEquals("png", coins.metadata().format());
      assertTrue(store.stats().lastRun().isPresent());
    }
  }

  @Test
  void reruns_touches_renames_copies_and_deletes_are_incremental() throws Exception {
    Path photos = tmp.resolve("photos");
    List<Path> files = IndexFixtures.copySamples(photos, 8);
    Path index = tmp.resolve("index");

    IndexFixtures.CountingEncoder first = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s1 = index(index, first, photos);
    assertEquals(8, s1.indexed());
    assertEquals(8, first.images.get());

    IndexFixtures.CountingEncoder again = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s2 = index(index, again, photos);
    assertEquals(0, again.images.get(), "a re-run encodes nothing");
    assertEquals(8, s2.unchanged());

    Files.setLastModifiedTime(
        files.get(0), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    IndexFixtures.CountingEncoder touched = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s3 = index(index, touched, photos);
    assertEquals(0, touched.images.get(), "a touched file keeps its vector");
    assertEquals(8, s3.unchanged());

    Files.move(files.get(1), photos.resolve("renamed.jpg"));
    Files.copy(files.get(2), photos.resolve("copy-of-2.jpg"));
    Files.delete(files.get(3));
    Files.copy(
        IndexFixtures.resource("/fixtures/tiny-clip-hf/images/chelsea_thumb.png"),
        files.get(4),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    IndexFixtures.CountingEncoder changed = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s4 = index(index, changed, photos);
    assertEquals(1, changed.images.get(), "only the file with new content is encoded");
    assertEquals(1, s4.indexed());
    assertEquals(2, s4.reused(), "renamed and copied files reuse vectors: " + s4);
    assertEquals(2, s4.removed(), "the old name and the deleted file are removed: " + s4);
    assertEquals(8, count(index));
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      assertTrue(store.getByPath(files.get(1).toString()).isEmpty());
      assertTrue(store.getByPath(photos.resolve("renamed.jpg").toString()).isPresent());
      assertTrue(store.getByPath(files.get(3).toString()).isEmpty());
      assertEquals(
          "png", store.getByPath(files.get(4).toString()).orElseThrow().metadata().format());
    }
  }

  @Test
  void a_cancelled_run_stops_without_its_final_commit_and_a_rerun_finishes_it() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 30);
    Path index = tmp.resolve("index");
    IndexingOptions options =
        new IndexingOptions(
            List.of(photos), 2, 1, false, 2, Duration.ofSeconds(30), false, 50L << 20);
    java.util.concurrent.atomic.AtomicReference<ImageIndexer> running =
        new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch firstCommit = new CountDownLatch(1);
    ImageEncoder cancelling =
        new ImageEncoder() {
          final ImageEncoder real = ImageEncoder.of(model);
          int images;
          boolean cancelled;

          @Override
          public dev.glimpse.core.image.PreprocessConfig preprocess() {
            return real.preprocess();
          }

          @Override
          public float[][] encode(float[] pixels, int count) {
            images += count;
            if (images >= 6 && !cancelled) {
              await(firstCommit); // the writer commits the first batches meanwhile
              running.get().cancel(); // from another thread, as a closing watcher does
              cancelled = true;
            }
            return real.encode(pixels, count);
          }
        };
    try (LuceneVectorStore store = LuceneVectorStore.open(index, config())) {
      ImageIndexer indexer =
          new ImageIndexer(
              cancelling,
              afterCommit(store, firstCommit::countDown),
              options,
              new ImageDecoder(),
              Set.of(index),
              IndexingListener.NONE);
      running.set(indexer);
      org.junit.jupiter.api.Assertions.assertThrows(
          java.util.concurrent.CancellationException.class, indexer::run);
    }
    long kept = count(index);
    assertTrue(kept >= 2 && kept < 30, "commits before the cancel stay: " + kept);

    IndexFixtures.CountingEncoder rerun = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s = index(index, rerun, photos);
    assertEquals(kept, s.unchanged());
    assertEquals(30 - kept, rerun.images.get());
    assertEquals(30, count(index));
  }

  /** The store, calling {@code committed} after each of its commits returned. */
  private static VectorStore afterCommit(VectorStore store, Runnable committed) {
    return (VectorStore)
        java.lang.reflect.Proxy.newProxyInstance(
            VectorStore.class.getClassLoader(),
            new Class<?>[] {VectorStore.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(store, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("commit")) {
                committed.run();
              }
              return result;
            });
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void identical_files_in_one_run_are_encoded_once() throws Exception {
    Path photos = tmp.resolve("photos");
    List<Path> files = IndexFixtures.copySamples(photos, 3);
    for (int i = 0; i < 5; i++) {
      Files.copy(files.get(0), photos.resolve("dup-" + i + ".jpg"));
    }
    IndexFixtures.CountingEncoder encoder = new IndexFixtures.CountingEncoder(model);
    IndexingSummary s = index(tmp.resolve("index"), encoder, photos);
    assertEquals(3, encoder.images.get());
    assertEquals(3, s.indexed());
    assertEquals(5, s.reused());
    assertEquals(8, count(tmp.resolve("index")));
  }

  @Test
  void dry_run_reports_without_writing() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 4);
    Path index = tmp.resolve("index");
    IndexingOptions options =
        new IndexingOptions(
            List.of(photos), 4, 2, false, 5, Duration.ofSeconds(30), true, 50L << 20);
    IndexFixtures.CountingEncoder encoder = new IndexFixtures.CountingEncoder(model);
    try (LuceneVectorStore store = LuceneVectorStore.open(index, config())) {
      IndexingSummary s =
          new ImageIndexer(
                  encoder, store, options, new ImageDecoder(), Set.of(index), IndexingListener.NONE)
              .run();
      assertTrue(s.dryRun());
      assertEquals(4, s.indexed());
      assertEquals(0, encoder.images.get());
      assertEquals(0, store.stats().images());
    }
  }

  @Test
  void dry_run_without_an_index_counts_what_the_real_run_then_does() throws Exception {
    Path photos = tmp.resolve("photos");
    List<Path> good = IndexFixtures.copySamples(photos, 3);
    Files.copy(good.get(0), photos.resolve("copy.jpg"));
    byte[] jpeg = Files.readAllBytes(good.get(1));
    Files.write(photos.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 3));
    // The same broken content twice: the copy takes the first one's skip reason.
    Files.copy(photos.resolve("truncated.jpg"), photos.resolve("truncated-copy.jpg"));
    Files.writeString(photos.resolve("notes.jpg"), "not a photo");
    Files.write(photos.resolve("empty.jpg"), new byte[0]);
    Path index = tmp.resolve("index");
    IndexingOptions dryOptions =
        new IndexingOptions(
            List.of(photos), 4, 2, false, 5, Duration.ofSeconds(30), true, 50L << 20);

    IndexingSummary dry =
        ImageIndexer.dryRun(
                Optional.empty(),
                dryOptions,
                new ImageDecoder(),
                dev.glimpse.core.image.PreprocessConfig.clip(224),
                Set.of(index),
                IndexingListener.NONE)
            .run();

    assertFalse(Files.exists(index), "a dry run without an index creates none");
    assertTrue(dry.dryRun());
    assertEquals(3, dry.indexed(), dry.toString());
    assertEquals(1, dry.reused(), dry.toString());
    assertEquals(1L, dry.skipped().get(SkipReason.NOT_AN_IMAGE), dry.toString());
    assertEquals(1L, dry.skipped().get(SkipReason.EMPTY), dry.toString());
    long broken =
        dry.skipped().getOrDefault(SkipReason.TRUNCATED, 0L)
            + dry.skipped().getOrDefault(SkipReason.CORRUPT, 0L);
    assertEquals(2, broken, dry.toString());
    IndexingSummary real = index(index, new IndexFixtures.CountingEncoder(model), photos);
    assertEquals(
        List.of(real.indexed(), real.unchanged(), real.reused(), real.removed()),
        List.of(dry.indexed(), dry.unchanged(), dry.reused(), dry.removed()));
    assertEquals(real.skipped(), dry.skipped());
  }

  @Test
  void unreadable_folder_keeps_its_indexed_files() throws Exception {
    Path photos = tmp.resolve("photos").toAbsolutePath();
    Path sub = Files.createDirectories(photos.resolve("sub"));
    IndexFixtures.copySamples(sub, 2);
    Path index = tmp.resolve("index");
    index(index, new IndexFixtures.CountingEncoder(model), photos);
    // Root lists any folder whatever its permissions (CI runs as root): the listing is refused by
    // a file system that denies it, as it is for a user without read permission.
    DenyingFileSystem fs = DenyingFileSystem.denying(sub);
    IndexingSummary s = index(index, new IndexFixtures.CountingEncoder(model), fs.wrap(photos));
    assertEquals(1L, s.skipped().get(SkipReason.UNREADABLE_FOLDER), s.toString());
    assertEquals(0, s.removed(), "the folder's files are not taken for deleted ones");
    assertEquals(2, count(index));
  }

  @Test
  void symlink_loops_are_reported_not_followed_forever() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 2);
    Files.createSymbolicLink(photos.resolve("loop"), photos);
    IndexingSummary s =
        index(tmp.resolve("index"), new IndexFixtures.CountingEncoder(model), photos);
    assertEquals(2, s.indexed());
    assertEquals(1L, s.skipped().get(SkipReason.LINK_LOOP), s.toString());
  }

  @Test
  void summary_map_is_recorded_in_the_commit() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 2);
    Path index = tmp.resolve("index");
    index(index, new IndexFixtures.CountingEncoder(model), photos);
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      LastRun last = store.stats().lastRun().orElseThrow();
      assertEquals(2, last.indexed(), last.toString());
      assertEquals(0, last.unchanged());
      assertEquals(Map.of(), last.skipped());
    }
  }

  @Test
  void exif_orientation_is_applied_to_pixels_and_dimensions() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Path source = IndexFixtures.samplePhotos().resolve("food-pizza.jpg");
    byte[] original = Files.readAllBytes(source);
    byte[] rotated = dev.glimpse.core.image.TestImages.withExifOrientation(original, 6);
    Files.write(photos.resolve("rotated.jpg"), rotated);
    Path index = tmp.resolve("index");
    assertEquals(1, index(index, new IndexFixtures.CountingEncoder(model), photos).indexed());

    ImageDecoder decoder = new ImageDecoder();
    int edge = model.preprocess().shortestEdge();
    dev.glimpse.core.image.DecodedImage upright =
        dev.glimpse.core.image.ExifOrientation.apply(
            decoder.decodeDownscaled(original, "pizza", edge), 6);
    float[] expected =
        model
            .encodeImages(
                new dev.glimpse.core.image.ClipPreprocessor(model.preprocess()).preprocess(upright),
                1)[0];
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(index)) {
      ImageRecord r = store.getByPath(photos.resolve("rotated.jpg").toString()).orElseThrow();
      // The file is stored landscape; orientation 6 shows it rotated by 90 degrees: portrait.
      assertTrue(r.metadata().height() > r.metadata().width(), r.metadata().toString());
      float[] actual = store.vector(r.id()).orElseThrow();
      float worst = 0;
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      }
      assertTrue(worst < 1e-5f, "indexed vector is not the rotated image's: " + worst);
      float[] unrotated =
          model
              .encodeImages(
                  new dev.glimpse.core.image.ClipPreprocessor(model.preprocess())
                      .preprocess(decoder.decodeDownscaled(original, "pizza", edge)),
                  1)[0];
      float diff = 0;
      for (int i = 0; i < expected.length; i++) {
        diff = Math.max(diff, Math.abs(unrotated[i] - actual[i]));
      }
      assertTrue(diff > 1e-3f, "rotation must change the vector");
    }
  }

  @Test
  void odd_and_invalid_utf8_file_names_are_indexed_and_stay_unchanged_on_rerun() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Path source = IndexFixtures.samplePhotos().resolve("food-pizza.jpg");
    Files.copy(source, photos.resolve("café au lait ☕ (1).jpg"));
    Files.copy(source, photos.resolve("new\nline.jpg"));
    // A name with a byte that is not UTF-8 can only be made outside Java.
    Process p = new ProcessBuilder("cp", source.toString(), photos + "/bad\u00ff.jpg").start();
    assertEquals(0, p.waitFor());
    Process raw =
        new ProcessBuilder(
                "bash",
                "-c",
                "cp \"$0\" \"$1\"$'\\xff'.jpg",
                source.toString(),
                photos + "/latin1-")
            .start();
    assertEquals(
        0, raw.waitFor(), new String(raw.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    IndexingSummary s =
        index(tmp.resolve("index"), new IndexFixtures.CountingEncoder(model), photos);
    assertEquals(1, s.indexed(), "identical content is encoded once: " + s);
    assertEquals(3, s.reused(), s.toString());
    assertTrue(s.skipped().isEmpty(), s.toString());
    IndexingSummary again =
        index(tmp.resolve("index"), new IndexFixtures.CountingEncoder(model), photos);
    assertEquals(4, again.unchanged(), "names round-trip between runs: " + again);
    assertEquals(0, again.removed());
  }

  @Test
  void an_engine_failure_ends_the_run_with_its_cause_and_keeps_committed_work() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 12);
    Path index = tmp.resolve("index");
    ImageEncoder real = ImageEncoder.of(model);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    // Fault injection around the real encoder: the fifth batch fails like a crashed engine would.
    ImageEncoder failing =
        new ImageEncoder() {
          @Override
          public dev.glimpse.core.image.PreprocessConfig preprocess() {
            return real.preprocess();
          }

          @Override
          public float[][] encode(float[] pixels, int count) {
            if (calls.incrementAndGet() == 5) {
              throw new IllegalStateException("engine crashed");
            }
            return real.encode(pixels, count);
          }
        };
    IndexingOptions options =
        new IndexingOptions(
            List.of(photos), 1, 2, false, 2, Duration.ofSeconds(30), false, 50L << 20);
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> {
              try (LuceneVectorStore store = LuceneVectorStore.open(index, config())) {
                return org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class,
                    () ->
                        new ImageIndexer(
                                failing,
                                store,
                                options,
                                new ImageDecoder(),
                                Set.of(index),
                                IndexingListener.NONE)
                            .run());
              }
            });
    assertEquals("engine crashed", e.getMessage());
    long kept = count(index);
    assertTrue(kept >= 2 && kept <= 4, "committed before the failure: " + kept);
    IndexingSummary resumed = index(index, new IndexFixtures.CountingEncoder(model), photos);
    assertEquals(kept, resumed.unchanged());
    assertEquals(12, count(index));
  }
}
