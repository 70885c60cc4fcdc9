package dev.glimpse.core.index;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NearDuplicatesTest {
  @TempDir Path tmp;

  private static SearchHit hit(String id, String hash, float score) {
    ImageRecord r = new ImageRecord(id, "/p/" + id, "/p", 1, 0, hash, ImageMetadata.UNKNOWN);
    return new SearchHit(r, score);
  }

  @Test
  void same_hash_or_close_vectors_collapse_into_the_best_ranked_hit() throws Exception {
    Map<String, float[]> v = new HashMap<>();
    v.put("a", TestImages.unit(1, 0, 0));
    v.put("b", TestImages.unit(1, 0.1f, 0)); // cos 0.995 with a
    v.put("c", TestImages.unit(0, 1, 0));
    v.put("d", TestImages.unit(0, 0, 1)); // same hash as c, vector far away
    List<SearchHit> hits =
        List.of(
            hit("a", "ha", 0.9f),
            hit("b", "hb", 0.85f),
            hit("c", "hc", 0.8f),
            hit("d", "hc", 0.1f));
    List<NearDuplicates.Group> groups = new NearDuplicates(0.99f).collapse(hits, v::get);
    assertEquals(2, groups.size());
    assertEquals("a", groups.get(0).head().record().id());
    assertEquals(
        List.of("b"), groups.get(0).duplicates().stream().map(h -> h.record().id()).toList());
    assertEquals("c", groups.get(1).head().record().id());
    assertEquals(
        List.of("d"), groups.get(1).duplicates().stream().map(h -> h.record().id()).toList());
    // Below the threshold nothing but the hash groups.
    assertEquals(3, new NearDuplicates(0.999f).collapse(hits, v::get).size());
  }

  @Test
  void threshold_is_relative_to_the_median_distance_of_the_sample() {
    // Eight orthogonal vectors: every distance is 1, so the threshold is 1 - 0.1.
    List<float[]> sample = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sample.add(TestImages.axis(8, i));
    }
    assertEquals(0.9f, DuplicateThreshold.of(sample), 1e-6);
    assertEquals(DuplicateThreshold.FALLBACK, DuplicateThreshold.of(sample.subList(0, 2)));
  }

  /**
   * Resized and re-encoded copies of real photos, encoded by the fixture model through the real
   * indexer, collapse into their originals with the index's own threshold, and nothing else does.
   */
  @Test
  void resized_and_reencoded_copies_collapse_and_distinct_photos_do_not() throws Exception {
    Path photos = tmp.resolve("photos");
    Files.createDirectories(photos);
    List<String> names;
    try (var s = Files.list(Path.of("..", "samples", "photos"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().limit(12).toList();
    }
    for (String n : names) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    Path bridge = Path.of("..", "samples", "photos", "city-bridge-at-night.jpg");
    Path pizza = Path.of("..", "samples", "photos", "food-pizza.jpg");
    Files.copy(bridge, photos.resolve("city-bridge-at-night.jpg"), REPLACE_EXISTING);
    Files.copy(pizza, photos.resolve("food-pizza.jpg"), REPLACE_EXISTING);
    Path copies = tmp.resolve("photos/copies");
    NearCopies.resized(bridge, 0.5, 0.9f, copies.resolve("bridge-half.jpg"));
    NearCopies.reencoded(bridge, 0.3f, copies.resolve("bridge-q30.jpg"));
    NearCopies.resized(pizza, 0.25, 0.75f, copies.resolve("pizza-quarter.jpg"));
    Files.copy(pizza, copies.resolve("pizza-same-bytes.jpg"));

    Path indexDir = tmp.resolve("index");
    Path fixture = Path.of(getClass().getResource("/fixtures/tiny-clip-hf").toURI());
    try (ClipModel model = ClipModel.load(ClipCheckpoint.open(fixture))) {
      ModelManifest manifest =
          new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
      try (LuceneVectorStore store =
          LuceneVectorStore.open(indexDir, IndexConfig.forModel(manifest))) {
        new ImageIndexer(
                ImageEncoder.of(model),
                store,
                IndexingOptions.defaults(List.of(photos)),
                new ImageDecoder(),
                Set.of(indexDir),
                IndexingListener.NONE)
            .run();
        store.commit();
        float threshold = DuplicateThreshold.of(store.sampleVectors(DuplicateThreshold.SAMPLE));
        // Measured with the fixture model: copies >= 0.9986, distinct samples <= 0.9916.
        assertTrue(threshold > 0.9916f && threshold < 0.9986f, "threshold " + threshold);
        for (String q : List.of("a photo", "a bridge at night", "pizza")) {
          float[] query = model.encodeTexts(List.of(q))[0];
          List<SearchHit> hits = store.search(query, 100, 0, SearchFilter.NONE);
          List<NearDuplicates.Group> groups =
              new NearDuplicates(threshold).collapse(hits, id -> store.vector(id).orElse(null));
          Set<Set<String>> found = new java.util.HashSet<>();
          for (NearDuplicates.Group g : groups) {
            Set<String> members = new TreeSet<>();
            members.add(name(g.head()));
            g.duplicates().forEach(h -> members.add(name(h)));
            found.add(members);
          }
          Set<Set<String>> expected = new java.util.HashSet<>();
          for (String n : names) {
            if (!n.equals("city-bridge-at-night.jpg") && !n.equals("food-pizza.jpg")) {
              expected.add(Set.of(n));
            }
          }
          expected.add(Set.of("city-bridge-at-night.jpg", "bridge-half.jpg", "bridge-q30.jpg"));
          expected.add(Set.of("food-pizza.jpg", "pizza-quarter.jpg", "pizza-same-bytes.jpg"));
          TreeSet<String> want = new TreeSet<>();
          expected.forEach(e -> want.add(new TreeSet<>(e).toString()));
          TreeSet<String> got = new TreeSet<>();
          found.forEach(e -> got.add(new TreeSet<>(e).toString()));
          assertEquals(want, got, q);
        }
      }
    }
  }

  private static String name(SearchHit h) {
    return Path.of(h.record().path()).getFileName().toString();
  }
}
