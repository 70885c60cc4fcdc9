package dev.glimpse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexValuesTest {
  @TempDir Path dir;

  @Test
  void content_hash_matches_the_sha256_in_the_photo_manifest() throws IOException {
    Path file = dir.resolve("s330.jpg");
    try (InputStream in = getClass().getResourceAsStream("/images/canon-powershot-s330.jpg")) {
      Files.copy(in, file);
    }
    // sha256 column of /work/shared/photos/MANIFEST.tsv for
    // bench/metadata-extractor/canon-powershot-s330.jpg
    String expected = "0291b9bf797a3f59684c7e5817eb5b948796bc4271e004bc76515dabecadcee7";
    assertEquals(expected, ContentHash.of(file));
    assertEquals(expected, ContentHash.of(Files.readAllBytes(file)));
  }

  @Test
  void record_id_is_stable_opaque_hex_of_the_path() {
    ImageRecord r =
        ImageRecord.of(Path.of("/photos/2019/../2019/cat.jpg"), 1, 2, "h", ImageMetadata.UNKNOWN);
    assertEquals("/photos/2019/cat.jpg", r.path());
    assertEquals("/photos/2019", r.folder());
    assertEquals(ImageRecord.idFor("/photos/2019/cat.jpg"), r.id());
    assertTrue(r.id().matches("[0-9a-f]{32}"), r.id());
    assertTrue(!r.id().equals(ImageRecord.idFor("/photos/2019/dog.jpg")));
  }

  @Test
  void folder_tree_lists_every_ancestor_root_first() {
    assertEquals(List.of("/", "/photos", "/photos/2019"), IndexSchema.folderTree("/photos/2019"));
  }

  @Test
  void cosine_inverts_lucenes_dot_product_score() {
    assertEquals(1f, IndexSchema.cosine(1f));
    assertEquals(0f, IndexSchema.cosine(0.5f));
    assertEquals(-1f, IndexSchema.cosine(0f));
  }

  @Test
  void search_filter_normalises_the_folder_and_rejects_bad_values() {
    assertEquals(
        Optional.of("/photos/2019"), SearchFilter.NONE.withFolder("/photos/2019/").folder());
    assertThrows(IllegalArgumentException.class, () -> SearchFilter.NONE.withFolder("photos"));
    assertThrows(IllegalArgumentException.class, () -> SearchFilter.NONE.withMinScore(1.5f));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SearchFilter.NONE.withTakenBetween(
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2019-01-01T00:00:00Z")));
  }

  @Test
  void index_config_rejects_out_of_range_values_naming_them() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IndexConfig.of(0));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IndexConfig.of(8).withHnsw(1, 100));
    assertThrows(IllegalArgumentException.class, () -> IndexConfig.of(8).withHnsw(16, 0));
    ModelManifest model = new ModelManifest("m", Optional.empty(), 512, "", "");
    assertThrows(
        IllegalArgumentException.class,
        () -> new IndexConfig(768, 16, 100, Quantization.NONE, Optional.of(model)));
  }

  @Test
  void the_model_family_is_recorded_and_old_manifests_read_as_clip() {
    ModelManifest siglip =
        new ModelManifest("m", Optional.empty(), 768, "squash(224)", "djl-pytorch fp32")
            .withFamily("siglip2");
    java.util.Map<String, String> map = siglip.toMap();
    assertEquals("siglip2", map.get("family"));
    assertEquals(siglip, ModelManifest.fromMap(map));
    map.remove("family");
    assertEquals("clip", ModelManifest.fromMap(map).family(), "written before SigLIP");
  }
}
