package dev.glimpse.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.ModelManifest;
import dev.glimpse.core.index.SearchFilter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadIndexBuilderTest {
  @TempDir Path tmp;

  private static final ModelManifest MANIFEST =
      new ModelManifest("/models/random", Optional.empty(), 8, "clip(224)", "djl-pytorch fp32");

  @Test
  void synthetic_index_has_the_size_the_model_and_folders_and_is_reused() throws Exception {
    List<String> log = new ArrayList<>();
    LoadIndexBuilder builder = new LoadIndexBuilder(null, MANIFEST, log::add);
    LoadIndexBuilder.Settings settings =
        new LoadIndexBuilder.Settings(
            tmp.resolve("index"),
            Optional.empty(),
            250,
            16,
            100,
            1,
            false,
            LoadIndexBuilder.Vectors.UNIFORM);
    LoadIndexBuilder.Result first = builder.build(settings);
    assertEquals(250, first.images());
    assertFalse(first.reused());
    try (LuceneVectorStore store = LuceneVectorStore.openReadOnly(settings.indexDir())) {
      assertEquals(Optional.of(MANIFEST), store.manifest());
      int[] seen = {0};
      store.forEachVector(
          (id, v) -> {
            double norm = 0;
            for (float x : v) {
              norm += x * x;
            }
            assertEquals(1.0, norm, 1e-5, "unit vectors");
            seen[0]++;
          });
      assertEquals(250, seen[0]);
      SearchFilter inFolder =
          new SearchFilter(
              Optional.of("/synthetic/2016"), Optional.empty(), Optional.empty(), Optional.empty());
      var hits =
          store.search(
              LoadIndexBuilder.randomUnitVector(8, new SplittableRandom(2)), 10, 0, inFolder);
      assertEquals(10, hits.size());
      assertTrue(hits.stream().allMatch(h -> h.record().path().startsWith("/synthetic/2016/")));
    }
    assertTrue(builder.build(settings).reused());
    LoadIndexBuilder.Result merged =
        builder.build(
            new LoadIndexBuilder.Settings(
                tmp.resolve("index"),
                Optional.empty(),
                300,
                16,
                100,
                1,
                true,
                LoadIndexBuilder.Vectors.CLUSTERED));
    assertEquals(300, merged.images());
    assertFalse(merged.reused());
    assertEquals(1, merged.segments());
  }
}
