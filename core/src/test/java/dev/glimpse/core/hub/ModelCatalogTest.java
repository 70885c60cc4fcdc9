package dev.glimpse.core.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ModelFamily;
import java.util.HashSet;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
  @Test
  void short_names_resolve_to_their_hub_ids() {
    assertEquals("openai/clip-vit-base-patch32", ModelCatalog.resolve("clip-b32"));
    assertEquals("openai/clip-vit-base-patch16", ModelCatalog.resolve("clip-b16"));
    assertEquals("timm/ViT-B-16-SigLIP", ModelCatalog.resolve("siglip-b16"));
    assertEquals("timm/ViT-B-16-SigLIP2", ModelCatalog.resolve("siglip2-b16"));
    assertEquals("timm/ViT-B-32-SigLIP2-256", ModelCatalog.resolve("siglip2-b32-256"));
    assertEquals(
        "laion/CLIP-ViT-B-32-256x256-DataComp-s34B-b86K", ModelCatalog.resolve("datacomp-b32-256"));
  }

  @Test
  void names_match_in_any_case() {
    assertEquals("timm/ViT-B-16-SigLIP2", ModelCatalog.resolve("SigLIP2-B16"));
  }

  @Test
  void anything_else_is_returned_as_given() {
    assertEquals("org/some-model@v2", ModelCatalog.resolve("org/some-model@v2"));
    assertEquals("./models/clip", ModelCatalog.resolve("./models/clip"));
    assertEquals("siglip2-b99", ModelCatalog.resolve("siglip2-b99"));
  }

  @Test
  void every_hub_id_parses_and_names_are_unique() {
    Set<String> names = new HashSet<>();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      assertTrue(names.add(e.name()), "duplicate " + e.name());
      ModelRef ref = ModelRef.parse(e.hubRef());
      assertEquals(e.hubId(), ref.repo());
      assertEquals(e.revision(), ref.revision());
      assertEquals(0, e.imageSize() % e.patchSize(), e.name());
    }
  }

  @Test
  void entries_carry_family_and_geometry() {
    ModelCatalog.Entry s = ModelCatalog.find("siglip2-b32-256").orElseThrow();
    assertEquals(ModelFamily.SIGLIP2, s.family());
    assertEquals(256, s.imageSize());
    assertEquals(32, s.patchSize());
    assertEquals(768, s.embedDim());
    assertEquals(ModelFamily.CLIP, ModelCatalog.find("clip-b32").orElseThrow().family());
  }

  @Test
  void a_revision_other_than_main_stays_in_the_hub_ref() {
    ModelCatalog.Quality none =
        new ModelCatalog.Quality(
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            "none");
    ModelCatalog.Entry e =
        new ModelCatalog.Entry(
            "x-b32", "org/x", "v1.0", ModelFamily.CLIP, "hf", 1, 512, 224, 32, none);
    assertEquals("org/x@v1.0", e.hubRef());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ModelCatalog.Entry(
                "org/x", "org/x", "main", ModelFamily.CLIP, "hf", 1, 512, 224, 32, none));
  }
}
