package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random-weight SigLIP checkpoints in the open_clip hub layout, for benchmarks. */
class SyntheticSiglipCheckpointTest {
  @TempDir Path tmp;

  /** A config folder without weights: {@link ClipCheckpoint#open} reads no tensor. */
  private ClipConfig configOnly(String json) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "cfg");
    Files.writeString(dir.resolve("open_clip_config.json"), json);
    Files.write(dir.resolve("open_clip_model.safetensors"), new byte[0]);
    return ClipCheckpoint.open(dir).config();
  }

  private static Path realConfig(String name) throws Exception {
    return Path.of(
        SyntheticSiglipCheckpointTest.class
            .getResource("/open-clip-configs/" + name + "/open_clip_config.json")
            .toURI());
  }

  @Test
  void siglip2_b16_224_geometry_is_open_clips_ViT_B_16_SigLIP2() throws Exception {
    ClipConfig real = configOnly(Files.readString(realConfig("ViT-B-16-SigLIP2")));
    assertEquals(real, SyntheticCheckpoint.SIGLIP2_B16_224);
    assertEquals(ModelFamily.SIGLIP2, real.family());
  }

  @Test
  void siglip2_b32_256_geometry_is_open_clips_ViT_B_32_SigLIP2_256() throws Exception {
    ClipConfig real = configOnly(Files.readString(realConfig("ViT-B-32-SigLIP2-256")));
    assertEquals(real, SyntheticCheckpoint.SIGLIP2_B32_256);
  }

  @Test
  void real_geometry_config_names_the_timm_trunk_without_kwargs() throws Exception {
    String json = SyntheticCheckpoint.openClipSiglipConfig(SyntheticCheckpoint.SIGLIP2_B32_256);
    JsonNode v = new ObjectMapper().readTree(json).path("model_cfg").path("vision_cfg");
    assertEquals("vit_base_patch32_siglip_256", v.path("timm_model_name").asText());
    assertFalse(v.has("timm_model_kwargs"));
    assertEquals(SyntheticCheckpoint.SIGLIP2_B32_256, configOnly(json));
    assertEquals(
        SyntheticCheckpoint.SIGLIP2_B16_224,
        configOnly(SyntheticCheckpoint.openClipSiglipConfig(SyntheticCheckpoint.SIGLIP2_B16_224)));
  }

  private static ClipConfig small(ModelFamily family) {
    return new ClipConfig(
        48,
        new VisionConfig(
            32,
            8,
            new TransformerConfig(48, 2, 3, 96, Activation.GELU_TANH, 1e-6f),
            VisionHead.MAP),
        new TextConfig(
            16,
            300,
            new TransformerConfig(32, 2, 2, 80, Activation.GELU_TANH, 1e-6f),
            TextHead.LAST),
        family);
  }

  @Test
  void small_siglip2_loads_through_clip_checkpoint_open_and_runs_on_torch() throws Exception {
    ClipConfig config = small(ModelFamily.SIGLIP2);
    Path dir = tmp.resolve("siglip2");
    SyntheticCheckpoint.write(dir, config, 11, DType.F16);
    ClipCheckpoint ck = ClipCheckpoint.open(dir);
    assertEquals(CheckpointLayout.SIGLIP_OPEN_CLIP, ck.layout());
    assertEquals(config, ck.config());
    assertTrue(ck.tokenizer().isPresent(), "a word-level tokenizer.json so that it loads");
    try (ClipModel m = ClipModel.load(ck, new ClipOptions(Precision.FP32, Backend.TORCH, 0))) {
      assertEquals(Backend.TORCH, m.backend());
      assertEquals(ModelFamily.SIGLIP2, m.family());
      assertEquals(-10f, m.logitBias(), 0.05f); // stored as F16
      assertEquals(10f, m.logitScale(), 0.05f);
      float[] pixels = new float[2 * 3 * 32 * 32];
      java.util.SplittableRandom r = new java.util.SplittableRandom(3);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) r.nextGaussian();
      }
      float[][] images = m.imageFeatures(pixels, 2);
      assertEquals(2, images.length);
      assertEquals(48, images[0].length);
      assertTrue(Float.isFinite(images[0][0]) && Float.isFinite(images[1][47]));
      assertTrue(Vectors.cosine(images[0], images[1]) < 0.9999, "different images differ");
      long[] ids = new long[16];
      ids[0] = 5;
      ids[1] = 1;
      float[][] text = m.textFeatures(new long[][] {ids});
      assertEquals(48, text[0].length);
      assertTrue(Float.isFinite(text[0][0]));
      // Every word is unknown to the stub vocabulary: <unk> ids, then </s>, then pads.
      long[] row = m.tokenizer().encode("a photo of a dog");
      assertEquals(16, row.length);
      assertEquals(2, row[0]);
      assertEquals(1, row[5]);
      assertEquals(0, row[15]);
    }
  }

  @Test
  void small_siglip_v1_keeps_its_family() throws Exception {
    ClipConfig config = small(ModelFamily.SIGLIP);
    Path dir = tmp.resolve("siglip");
    SyntheticCheckpoint.write(dir, config, 12, DType.F32);
    assertEquals(config, ClipCheckpoint.open(dir).config());
  }

  @Test
  void a_config_open_clips_layout_cannot_hold_is_refused_before_writing() {
    ClipConfig eps =
        new ClipConfig(
            48,
            new VisionConfig(
                32, 8, new TransformerConfig(48, 1, 3, 96, Activation.GELU, 1e-5f), VisionHead.MAP),
            small(ModelFamily.SIGLIP2).text(),
            ModelFamily.SIGLIP2);
    Path dir = tmp.resolve("refused");
    assertThrows(
        IllegalArgumentException.class, () -> SyntheticCheckpoint.write(dir, eps, 1, DType.F16));
    assertFalse(Files.exists(dir));
  }
}
