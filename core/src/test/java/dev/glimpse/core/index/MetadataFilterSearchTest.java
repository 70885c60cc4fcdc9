package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.image.ImageDecoder;
import dev.glimpse.core.indexing.ImageEncoder;
import dev.glimpse.core.indexing.ImageIndexer;
import dev.glimpse.core.indexing.IndexingListener;
import dev.glimpse.core.indexing.IndexingOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata filters inside the vector search, over a real index of real photos: two with camera EXIF
 * (one with GPS), a copy of the GPS photo moved 8 degrees south by editing its GPS latitude, and
 * photos without EXIF. Each filter must return exactly the photos whose metadata matches.
 */
class MetadataFilterSearchTest {
  @TempDir static Path tmp;
  private static LuceneVectorStore store;
  private static float[] query;
  private static Path photos;

  @BeforeAll
  static void index() throws Exception {
    photos = tmp.resolve("photos");
    Files.createDirectories(photos);
    for (String n :
        List.of(
            "canon-powershot-s330.jpg",
            "fujifilm-finepixs2pro.jpg",
            "people-grace-hopper-portrait.jpg")) {
      Files.write(photos.resolve(n), resource(n));
    }
    // The fujifilm photo's GPSLatitude degrees are the big-endian rational 48/1, stored once;
    // 40/1 puts the copy about 890 km south of Paris. The test checks the edit took.
    byte[] moved = resource("fujifilm-finepixs2pro.jpg");
    int at = indexOf(moved, new byte[] {0, 0, 0, 48, 0, 0, 0, 1});
    moved[at + 3] = 40;
    Files.write(photos.resolve("fujifilm-moved-south.jpg"), moved);
    assertEquals(
        40.857833,
        MetadataReader.read(photos.resolve("fujifilm-moved-south.jpg"))
            .gps()
            .orElseThrow()
            .latitude(),
        1e-6);
    for (String n : List.of("animal-cat-chelsea.png", "food-pizza.jpg", "plant-flower.jpg")) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    Path indexDir = tmp.resolve("index");
    Path fixture =
        Path.of(MetadataFilterSearchTest.class.getResource("/fixtures/tiny-clip-hf").toURI());
    try (ClipModel model = ClipModel.load(ClipCheckpoint.open(fixture))) {
      ModelManifest manifest =
          new ModelManifest("tiny-clip-hf", Optional.empty(), model.dimension(), "clip", "fp32");
      try (LuceneVectorStore writer =
          LuceneVectorStore.open(indexDir, IndexConfig.forModel(manifest))) {
        new ImageIndexer(
                ImageEncoder.of(model),
                writer,
                IndexingOptions.defaults(List.of(photos)),
                new ImageDecoder(),
                Set.of(indexDir),
                IndexingListener.NONE)
            .run();
      }
      query = model.encodeTexts(List.of("a photo"))[0];
    }
    store = LuceneVectorStore.openReadOnly(indexDir);
  }

  @AfterAll
  static void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = MetadataFilterSearchTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }

  private static Set<String> names(MetadataFilter filter) throws Exception {
    return names(filter, 100);
  }

  private static Set<String> names(MetadataFilter filter, int k) throws Exception {
    Set<String> out = new TreeSet<>();
    for (SearchHit h : store.search(query, k, 0, SearchFilter.NONE.withMetadata(filter))) {
      out.add(Path.of(h.record().path()).getFileName().toString());
    }
    return out;
  }

  @Test
  void every_hit_carries_camera_lens_gps_orientation_format_and_size() throws Exception {
    SearchHit fuji =
        store.search(query, 100, 0, SearchFilter.NONE).stream()
            .filter(h -> h.record().path().endsWith("fujifilm-finepixs2pro.jpg"))
            .findFirst()
            .orElseThrow();
    ImageMetadata md = fuji.record().metadata();
    assertEquals(Optional.of("FUJIFILM"), md.cameraMake());
    assertEquals(Optional.of("FinePixS2Pro"), md.cameraModel());
    assertEquals(48.857833, md.gps().orElseThrow().latitude(), 1e-6);
    assertEquals(Optional.of(Orientation.LANDSCAPE), md.orientation());
    assertEquals("jpeg", md.format());
    assertEquals(Files.size(photos.resolve("fujifilm-finepixs2pro.jpg")), fuji.record().size());
  }

  @Test
  void camera_filter_matches_make_model_or_both_ignoring_case() throws Exception {
    assertEquals(
        Set.of("canon-powershot-s330.jpg"), names(MetadataFilter.NONE.withCamera("canon")));
    assertEquals(
        Set.of("canon-powershot-s330.jpg"),
        names(MetadataFilter.NONE.withCamera("Canon PowerShot S330")));
    Set<String> fujis = Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg");
    assertEquals(fujis, names(MetadataFilter.NONE.withCamera("Fujifilm")));
    assertEquals(fujis, names(MetadataFilter.NONE.withCamera("finepixs2pro")));
    assertEquals(fujis, names(MetadataFilter.NONE.withCamera("fujifilm  FinePixS2Pro")));
    assertEquals(Set.of(), names(MetadataFilter.NONE.withCamera("nikon")));
  }

  @Test
  void camera_filter_is_inside_the_search_so_k_matching_hits_come_back() throws Exception {
    assertEquals(2, names(MetadataFilter.NONE.withCamera("fujifilm"), 2).size());
    assertEquals(
        1,
        store
            .search(
                query,
                1,
                0,
                SearchFilter.NONE.withMetadata(MetadataFilter.NONE.withCamera("canon")))
            .size());
  }

  @Test
  void near_filter_returns_exactly_the_photos_within_the_radius() throws Exception {
    // The Eiffel tower is 0.3 km from the photo's position (48.857833, 2.297).
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg"),
        names(MetadataFilter.NONE.withNear(GeoCircle.parse("48.8584,2.2945,5"))));
    // The moved copy is 8 degrees of latitude (about 890 km) south.
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg"),
        names(MetadataFilter.NONE.withNear(GeoCircle.parse("48.8584,2.2945,850"))));
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg"),
        names(MetadataFilter.NONE.withNear(GeoCircle.parse("48.8584,2.2945,950"))));
    assertEquals(
        Set.of(), names(MetadataFilter.NONE.withNear(GeoCircle.parse("-33.86,151.2,100"))));
  }

  @Test
  void box_filter_returns_exactly_the_photos_inside() throws Exception {
    assertEquals(
        Set.of("fujifilm-moved-south.jpg"),
        names(MetadataFilter.NONE.withBox(GeoBox.parse("40,2,41,3"))));
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg"),
        names(MetadataFilter.NONE.withBox(GeoBox.parse("40,2,49,3"))));
    assertEquals(Set.of(), names(MetadataFilter.NONE.withBox(GeoBox.parse("40,2.3,49,3"))));
    // Crossing the antimeridian: from 170 E eastwards to 3 E covers longitude 2.297.
    assertEquals(
        Set.of("fujifilm-finepixs2pro.jpg", "fujifilm-moved-south.jpg"),
        names(MetadataFilter.NONE.withBox(GeoBox.parse("40,170,49,3"))));
  }

  @Test
  void format_orientation_and_size_filters() throws Exception {
    assertEquals(
        Set.of("animal-cat-chelsea.png"), names(MetadataFilter.NONE.withFormats(Set.of("PNG"))));
    Set<String> portrait = names(MetadataFilter.NONE.withOrientation(Orientation.PORTRAIT));
    assertTrue(portrait.contains("people-grace-hopper-portrait.jpg"), portrait.toString());
    assertTrue(!portrait.contains("canon-powershot-s330.jpg"), portrait.toString());
    long canon = Files.size(photos.resolve("canon-powershot-s330.jpg"));
    assertEquals(
        Set.of("canon-powershot-s330.jpg"),
        names(MetadataFilter.NONE.withSizeBetween(canon, canon)));
  }

  @Test
  void excluded_ids_never_come_back() throws Exception {
    List<SearchHit> all = store.search(query, 100, 0, SearchFilter.NONE);
    String first = all.get(0).record().id();
    List<SearchHit> rest =
        store.search(
            query,
            100,
            0,
            SearchFilter.NONE.withMetadata(MetadataFilter.NONE.withExcludedIds(Set.of(first))));
    assertEquals(all.size() - 1, rest.size());
    assertTrue(rest.stream().noneMatch(h -> h.record().id().equals(first)));
  }

  @Test
  void bad_values_are_rejected_with_messages_naming_them() {
    assertEquals(
        "expected LAT,LON,KM, got '48,2'",
        assertThrows(IllegalArgumentException.class, () -> GeoCircle.parse("48,2")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> GeoCircle.parse("95,2,1"));
    assertThrows(IllegalArgumentException.class, () -> GeoCircle.parse("48,2,0"));
    assertThrows(IllegalArgumentException.class, () -> GeoBox.parse("49,2,48,3"));
    assertThrows(IllegalArgumentException.class, () -> Orientation.parse("diagonal"));
    assertThrows(
        IllegalArgumentException.class, () -> MetadataFilter.NONE.withSizeBetween(10L, 5L));
  }
}
