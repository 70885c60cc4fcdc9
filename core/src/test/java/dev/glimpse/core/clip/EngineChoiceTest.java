package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine selection, and ONNX Runtime against libtorch on geometries the fixtures do not cover. */
class EngineChoiceTest {

  @Test
  void self_check_passes_for_both_activations() {
    assertEquals("", EngineChoice.selfCheck(Activation.QUICK_GELU, 1e-5f));
    assertEquals("", EngineChoice.selfCheck(Activation.GELU, 1e-6f));
  }

  @Test
  void self_check_comparison_rejects_a_wrong_vector() {
    float[][] expected = {{1f, 2f, 3f}};
    assertEquals("", EngineChoice.compare("text", expected, new float[][] {{1f, 2f, 3.00001f}}));
    String why = EngineChoice.compare("text", expected, new float[][] {{1f, 2f, 3.01f}});
    assertTrue(why.contains("text tower"), why);
  }

  @Test
  void auto_runs_onnx_here_and_onnx_refuses_bf16() throws Exception {
    ClipCheckpoint c = ClipCheckpoint.open(Golden.fixture(Golden.OPENAI));
    try (ClipModel m = ClipModel.load(c, ClipOptions.DEFAULTS.withBackend(Backend.AUTO))) {
      assertEquals(Backend.ONNX, m.backend());
    }
    ClipOptions bf16Onnx = new ClipOptions(Precision.BF16).withBackend(Backend.ONNX);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ClipModel.load(c, bf16Onnx));
    assertTrue(e.getMessage().contains("torch"), e.getMessage());
  }

  /**
   * GELU (erf), a non-default epsilon, more heads, 224 px in patches of 32 and bf16-stored weights:
   * the fixtures are all QuickGELU, so this pins the other graph branch to libtorch.
   */
  @Test
  void onnx_matches_torch_on_a_gelu_model_with_bf16_weights(@TempDir Path dir) throws Exception {
    ClipConfig config =
        new ClipConfig(
            48,
            new VisionConfig(224, 32, new TransformerConfig(96, 3, 6, 384, Activation.GELU, 1e-6f)),
            new TextConfig(
                77, 49408, new TransformerConfig(64, 3, 2, 256, Activation.GELU, 1e-6f)));
    SyntheticCheckpoint.write(dir, config, 99, DType.BF16);
    ClipCheckpoint c = ClipCheckpoint.open(dir);
    float[] pixels = new float[3 * 3 * 224 * 224];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (random.nextDouble() * 4 - 2);
    }
    try (ClipModel torch = ClipModel.load(c, ClipOptions.DEFAULTS);
        ClipModel onnx = ClipModel.load(c, ClipOptions.DEFAULTS.withBackend(Backend.ONNX))) {
      long[][] ids = torch.tokenizer().encode(java.util.List.of("a dog", "two cats on a red sofa"));
      float[][] a = torch.textFeatures(ids);
      float[][] b = onnx.textFeatures(ids);
      float[][] ia = torch.imageFeatures(pixels, 3);
      float[][] ib = onnx.imageFeatures(pixels, 3);
      for (int r = 0; r < a.length; r++) {
        assertTrue(
            Golden.maxAbs(a[r], b[r]) <= 5e-6f, "text " + r + ": " + Golden.maxAbs(a[r], b[r]));
      }
      for (int r = 0; r < ia.length; r++) {
        assertTrue(
            Golden.maxAbs(ia[r], ib[r]) <= 5e-6f,
            "image " + r + ": " + Golden.maxAbs(ia[r], ib[r]));
      }
    }
  }
}
