package dev.glimpse.core.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.IndexConfig;
import dev.glimpse.core.index.IndexException;
import dev.glimpse.core.index.IndexHome;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IndexHome} generations and {@link GenerationSwitch}, on real Lucene indexes. */
class GenerationSwitchTest {
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

  private static IndexConfig config(String modelId) {
    return IndexConfig.forModel(
        new ModelManifest(modelId, Optional.empty(), 32, "clip(64)", "test"));
  }

  private GenerationSwitch.Run run(Path photos, Path home) {
    IndexingOptions options =
        new IndexingOptions(
            List.of(photos), 4, 2, false, 5, Duration.ofSeconds(30), false, 50L << 20);
    return (target, from, listener) ->
        new ImageIndexer(
                ImageEncoder.of(model),
                target,
                options,
                new ImageDecoder(),
                Set.of(home),
                listener,
                from)
            .run();
  }

  private long images(IndexHome home) throws Exception {
    try (LuceneVectorStore s = LuceneVectorStore.openReadOnly(home.current().orElseThrow().dir())) {
      return s.stats().images();
    }
  }

  private String model(IndexHome home) throws Exception {
    try (LuceneVectorStore s = LuceneVectorStore.openReadOnly(home.current().orElseThrow().dir())) {
      return s.manifest().orElseThrow().modelId();
    }
  }

  @Test
  void a_switch_builds_beside_the_current_generation_and_replaces_it() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 5);
    IndexHome home = IndexHome.at(tmp.resolve("index"));
    assertTrue(home.current().isEmpty());
    IndexHome.Generation first = home.createIfMissing();
    assertEquals("g1", first.name());
    try (LuceneVectorStore store = LuceneVectorStore.open(first.dir(), config("model-a"))) {
      run(photos, home.path()).run(store, Optional.empty(), IndexingListener.NONE);
    }
    assertEquals(5, images(home));

    GenerationSwitch.Result r =
        new GenerationSwitch(home).rebuild(config("model-b"), run(photos, home.path()));
    assertEquals("g1", r.from());
    assertEquals("g2", r.to());
    assertFalse(r.resumed());
    assertTrue(r.oldRemoved());
    assertEquals(5, r.summary().indexed(), "every image is encoded with the new model");
    assertEquals("g2", home.current().orElseThrow().name());
    assertEquals("model-b", model(home));
    assertEquals(5, images(home));
    assertFalse(Files.exists(first.dir()), "the old generation is removed");
    assertTrue(home.pending().isEmpty());
  }

  @Test
  void metadata_of_unchanged_files_is_taken_from_the_old_generation_not_read_again()
      throws Exception {
    Path photos = tmp.resolve("photos");
    List<Path> files = IndexFixtures.copySamples(photos, 3);
    IndexHome home = IndexHome.at(tmp.resolve("index"));
    IndexHome.Generation first = home.createIfMissing();
    try (LuceneVectorStore store = LuceneVectorStore.open(first.dir(), config("model-a"))) {
      run(photos, home.path()).run(store, Optional.empty(), IndexingListener.NONE);
      // Plant metadata no file carries, so that only reuse can bring it into the new generation.
      String path = files.get(0).toAbsolutePath().toString();
      ImageRecord r = store.getByPath(path).orElseThrow();
      ImageMetadata planted =
          new ImageMetadata(
              r.metadata().width(),
              r.metadata().height(),
              r.metadata().format(),
              Optional.empty(),
              Optional.of("Planted"),
              Optional.of("Camera 1"),
              Optional.empty());
      store.upsert(
          new ImageRecord(r.id(), r.path(), r.folder(), r.size(), r.mtime(), r.hash(), planted),
          store.vector(r.id()).orElseThrow());
      store.commit();
    }
    new GenerationSwitch(home).rebuild(config("model-b"), run(photos, home.path()));
    try (LuceneVectorStore s = LuceneVectorStore.openReadOnly(home.current().orElseThrow().dir())) {
      ImageRecord reused = s.getByPath(files.get(0).toAbsolutePath().toString()).orElseThrow();
      assertEquals(Optional.of("Planted"), reused.metadata().cameraMake());
      ImageRecord other = s.getByPath(files.get(1).toAbsolutePath().toString()).orElseThrow();
      assertFalse(other.metadata().cameraMake().equals(Optional.of("Planted")));
    }
  }

  @Test
  void a_failed_build_leaves_the_old_generation_current_and_the_same_switch_resumes()
      throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 4);
    IndexHome home = IndexHome.at(tmp.resolve("index"));
    try (LuceneVectorStore store =
        LuceneVectorStore.open(home.createIfMissing().dir(), config("model-a"))) {
      run(photos, home.path()).run(store, Optional.empty(), IndexingListener.NONE);
    }
    GenerationSwitch.Run failing =
        (target, from, listener) -> {
          throw new java.io.IOException("the encoder failed");
        };
    assertThrows(
        java.io.IOException.class,
        () -> new GenerationSwitch(home).rebuild(config("model-b"), failing));
    assertEquals("g1", home.current().orElseThrow().name());
    assertEquals("model-a", model(home));
    assertEquals(4, images(home));
    IndexHome.PendingSwitch pending = home.pending().orElseThrow();
    assertEquals("model-b", pending.modelId());
    assertEquals("g2", pending.generation().name());

    GenerationSwitch.Result r =
        new GenerationSwitch(home).rebuild(config("model-b"), run(photos, home.path()));
    assertTrue(r.resumed());
    assertEquals("g2", r.to());
    assertEquals("model-b", model(home));
  }

  @Test
  void a_pending_switch_for_another_model_is_discarded_and_a_second_switcher_is_refused()
      throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 2);
    IndexHome home = IndexHome.at(tmp.resolve("index"));
    try (LuceneVectorStore store =
        LuceneVectorStore.open(home.createIfMissing().dir(), config("model-a"))) {
      run(photos, home.path()).run(store, Optional.empty(), IndexingListener.NONE);
    }
    try (IndexHome.SwitchLock lock = home.lockForSwitch()) {
      IndexHome.PendingSwitch b = home.beginSwitch(lock, "model-b");
      assertTrue(Files.isDirectory(b.generation().dir()));
      Path partial = Files.writeString(b.generation().dir().resolve("_0.cfs"), "partial build");
      assertThrows(IndexException.class, home::lockForSwitch, "one switcher at a time");
      IndexHome.PendingSwitch c = home.beginSwitch(lock, "model-c");
      assertFalse(Files.exists(partial), "the other model's pending build is gone");
      assertTrue(Files.isDirectory(c.generation().dir()));
      assertEquals("g1", home.current().orElseThrow().name(), "the current one is untouched");
      assertEquals("model-c", home.pending().orElseThrow().modelId());
    }
  }

  @Test
  void an_old_generation_still_written_to_is_kept_until_a_later_switch() throws Exception {
    Path photos = tmp.resolve("photos");
    IndexFixtures.copySamples(photos, 2);
    IndexHome home = IndexHome.at(tmp.resolve("index"));
    IndexHome.Generation g1 = home.createIfMissing();
    try (LuceneVectorStore writer = LuceneVectorStore.open(g1.dir(), config("model-a"))) {
      run(photos, home.path()).run(writer, Optional.empty(), IndexingListener.NONE);
      // a glimpse index run still holds g1's write lock while the switch publishes
      GenerationSwitch.Result r =
          new GenerationSwitch(home).rebuild(config("model-b"), run(photos, home.path()));
      assertEquals("g2", home.current().orElseThrow().name());
      assertTrue(Files.isDirectory(g1.dir()), "not removed under a writer");
      assertFalse(r.oldRemoved());
      assertTrue(r.describe().contains("still in use"), r.describe());
    }
    new GenerationSwitch(home).rebuild(config("model-a"), run(photos, home.path()));
    assertEquals("g3", home.current().orElseThrow().name());
    assertFalse(Files.exists(g1.dir()), "left-over generations go at the next switch");
  }
}
