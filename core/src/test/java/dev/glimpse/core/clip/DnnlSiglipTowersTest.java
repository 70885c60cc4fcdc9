package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SigLIP towers on oneDNN against libtorch's float32 on a geometry the fixtures do not cover: tanh
 * GELU in both towers (transformers' {@code gelu_pytorch_tanh}), head width 80, 36 image tokens, a
 * text context of 20 with one head, F16-stored weights; and the plans' batch behaviour.
 */
class DnnlSiglipTowersTest {
  @TempDir static Path dir;
  private static ClipCheckpoint checkpoint;
  private static ClipModel torch;
  private static final int SIZE = 96;
  private static final int IMAGES = 5;
  private static float[] pixels;
  private static long[][] ids;

  @BeforeAll
  static void load() throws Exception {
    ClipConfig config =
        new ClipConfig(
            160,
            new VisionConfig(
                SIZE,
                16,
                new TransformerConfig(160, 3, 2, 480, Activation.GELU_TANH, 1e-6f),
                VisionHead.MAP),
            new TextConfig(
                20,
                300,
                new TransformerConfig(80, 2, 1, 320, Activation.GELU_TANH, 1e-6f),
                TextHead.LAST),
            ModelFamily.SIGLIP2);
    // Text width 80 projected to 160: the text projection is not square.
    SyntheticCheckpoint.writeSiglip(dir, config, 31, DType.F16);
    checkpoint = ClipCheckpoint.open(dir);
    torch = ClipModel.load(checkpoint, ClipOptions.DEFAULTS);
    pixels = Golden.randomPixels(IMAGES * 3 * SIZE * SIZE, 13);
    ids = new long[3][20];
    for (long[] row : ids) {
      Arrays.fill(row, 1);
    }
    ids[0][0] = 42;
    for (int i = 0; i < 19; i++) {
      ids[1][i] = 2L + 15L * i;
    }
    ids[2][0] = 299;
    ids[2][1] = 7;
  }

  @AfterAll
  static void close() {
    torch.close();
  }

  private static ClipModel onednn(Precision p) throws Exception {
    return ClipModel.load(checkpoint, new ClipOptions(p, Backend.ONEDNN, 0));
  }

  @Test
  void fp32_matches_torch_to_float32_rounding() throws Exception {
    try (ClipModel m = onednn(Precision.FP32)) {
      assertEquals(Backend.ONEDNN, m.backend());
      assertClose("text", torch.textFeatures(ids), m.textFeatures(ids), 1e-4, 0.99999);
      assertClose(
          "image",
          torch.imageFeatures(pixels, IMAGES),
          m.imageFeatures(pixels, IMAGES),
          1e-4,
          0.99999);
    }
  }

  @Test
  void bf16_matches_torch_within_the_bf16_bound() throws Exception {
    try (ClipModel m = onednn(Precision.BF16)) {
      assertEquals(Precision.BF16, m.precision());
      double cos = EngineChoice.MIN_BF16_COSINE;
      float[][] text = m.textFeatures(ids);
      float[][] images = m.imageFeatures(pixels, IMAGES);
      assertClose("text", torch.textFeatures(ids), text, Double.POSITIVE_INFINITY, cos);
      assertClose(
          "image", torch.imageFeatures(pixels, IMAGES), images, Double.POSITIVE_INFINITY, cos);
      // Rows of a batch are each image's and each text's own.
      for (int i = 0; i < IMAGES; i++) {
        float[] one = Arrays.copyOfRange(pixels, i * 3 * SIZE * SIZE, (i + 1) * 3 * SIZE * SIZE);
        assertClose(
            "single image " + i,
            new float[][] {images[i]},
            m.imageFeatures(one, 1),
            Double.POSITIVE_INFINITY,
            0.99999);
      }
      for (int i = 0; i < ids.length; i++) {
        assertClose(
            "single text " + i,
            new float[][] {text[i]},
            m.textFeatures(new long[][] {ids[i]}),
            Double.POSITIVE_INFINITY,
            0.99999);
      }
      assertTrue(Vectors.cosine(images[0], images[1]) < 0.999, "distinct images, distinct rows");
    }
  }

  /**
   * A batch of images runs on the kernels one image runs on: the head's query is copied per image
   * rather than broadcast, which can send a matmul to oneDNN's reference kernel.
   */
  @Test
  void batched_map_plans_use_the_kernels_of_a_single_image() throws Exception {
    try (var dnnl = dev.glimpse.core.dnnl.Dnnl.cpu();
        var scope = new dev.glimpse.core.dnnl.DnnlScope();
        WeightStore store = checkpoint.openWeights()) {
      WeightReader reader = new WeightReader(store, checkpoint.layout(), checkpoint.config());
      for (var type : dev.glimpse.core.dnnl.Dnnl.Type.values()) {
        DnnlVisionTower vision =
            DnnlVisionTower.load(dnnl, scope, dnnl.stream(scope), reader, type);
        List<String> one = vision.kernels(scope, 1);
        assertEquals(one, vision.kernels(scope, IMAGES), type.name());
      }
    }
  }

  private static void assertClose(
      String what, float[][] expected, float[][] actual, double maxAbs, double minCos) {
    assertEquals(expected.length, actual.length, what);
    for (int r = 0; r < expected.length; r++) {
      double cos = Vectors.cosine(expected[r], actual[r]);
      float abs = Golden.maxAbs(expected[r], actual[r]);
      assertTrue(
          cos >= minCos && abs <= maxAbs, what + " " + r + ": cosine " + cos + ", max abs " + abs);
    }
  }
}
