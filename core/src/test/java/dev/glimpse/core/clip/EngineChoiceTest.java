package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine selection, and ONNX Runtime against libtorch on geometries the fixtures do not cover. */
class EngineChoiceTest {

  @Test
  void onnx_self_check_passes_for_both_activations() {
    assertEquals(
        "", EngineChoice.selfCheck(Activation.QUICK_GELU, 1e-5f, Backend.ONNX, Precision.FP32));
    assertEquals("", EngineChoice.selfCheck(Activation.GELU, 1e-6f, Backend.ONNX, Precision.FP32));
  }

  @Test
  void onednn_self_checks_pass_for_both_activations() {
    for (Precision p : new Precision[] {Precision.BF16, Precision.FP32}) {
      assertEquals("", EngineChoice.selfCheck(Activation.QUICK_GELU, 1e-5f, Backend.ONEDNN, p));
      assertEquals("", EngineChoice.selfCheck(Activation.GELU, 1e-6f, Backend.ONEDNN, p));
    }
  }

  /**
   * SigLIP (erf GELU in both towers, open_clip's v1) and SigLIP 2 (tanh GELU in the text tower):
   * the oneDNN self-checks run SigLIP towers, in bf16 and fp32.
   */
  @Test
  void onednn_and_onnx_self_checks_pass_on_siglip_towers() {
    SelfCheckModel[] models = {
      new SelfCheckModel(ModelFamily.SIGLIP, Activation.GELU, 1e-6f, Activation.GELU, 1e-6f),
      new SelfCheckModel(ModelFamily.SIGLIP2, Activation.GELU, 1e-6f, Activation.GELU_TANH, 1e-6f)
    };
    for (SelfCheckModel model : models) {
      for (Precision p : new Precision[] {Precision.BF16, Precision.FP32}) {
        assertEquals("", EngineChoice.selfCheck(model, Backend.ONEDNN, p), model.key() + " " + p);
      }
      assertEquals("", EngineChoice.selfCheck(model, Backend.ONNX, Precision.FP32), model.key());
    }
  }

  /** A SigLIP model is checked on SigLIP towers with its own activations, not on a CLIP. */
  @Test
  void a_siglip_model_self_checks_with_its_own_family_and_activations() throws Exception {
    ClipConfig siglip = ClipCheckpoint.open(Golden.fixture(SiglipGoldens.OPEN_CLIP)).config();
    SelfCheckModel model = SelfCheckModel.of(siglip);
    ClipConfig tiny = model.config();
    assertEquals(ModelFamily.SIGLIP, tiny.family());
    assertEquals(VisionHead.MAP, tiny.vision().head());
    assertEquals(TextHead.LAST, tiny.text().head());
    assertEquals(Activation.GELU, tiny.vision().transformer().activation());
    assertEquals(1e-6f, tiny.text().transformer().layerNormEps());
    ClipConfig clip = ClipCheckpoint.open(Golden.fixture(Golden.OPENAI)).config();
    assertTrue(!model.key().equals(SelfCheckModel.of(clip).key()), model.key());
    SelfCheckModel siglip2 =
        new SelfCheckModel(
            ModelFamily.SIGLIP2, Activation.GELU, 1e-6f, Activation.GELU_TANH, 1e-6f);
    assertEquals(Activation.GELU_TANH, siglip2.config().text().transformer().activation());
    assertTrue(!siglip2.key().equals(model.key()), siglip2.key());
  }

  /** int8 is refused for SigLIP: its accuracy in int8 was never measured. */
  @Test
  void int8_is_refused_for_siglip() throws Exception {
    ClipConfig siglip = ClipCheckpoint.open(Golden.fixture(SiglipGoldens.HF)).config();
    assertThrows(
        IllegalArgumentException.class,
        () -> EngineChoice.resolve(new ClipOptions(Precision.INT8, Backend.ONNX, 0), siglip));
  }

  @Test
  void self_check_comparison_rejects_a_wrong_vector() {
    float[][] expected = {{1f, 2f, 3f}};
    float[][] close = {{1f, 2f, 3.00001f}};
    float[][] off = {{1f, 2f, 3.01f}};
    assertEquals("", EngineChoice.compare("x", "text", expected, close, 0.99999, 1e-4));
    String why = EngineChoice.compare("x", "text", expected, off, 0.99999, 1e-4);
    assertTrue(why.contains("text tower"), why);
    float[][] turned = {{3f, 2f, 1f}};
    why = EngineChoice.compare("x", "image", expected, turned, 0.9995, Double.POSITIVE_INFINITY);
    assertTrue(why.contains("image tower"), why);
  }

  /**
   * A machine as the probes describe it: whether the CPU multiplies bf16 natively and has AVX-512
   * kernels, and which self-checks fail ({@code "onednn/BF16"}, {@code "onnx/FP32"}, ...). It
   * records the self-checks asked for.
   */
  private static final class Machine implements EngineChoice.Probes {
    private final boolean bf16;
    private final boolean avx512;
    private final Set<String> failing;
    final List<String> checked = new ArrayList<>();

    Machine(boolean bf16, boolean avx512, String... failing) {
      this.bf16 = bf16;
      this.avx512 = avx512;
      this.failing = Set.of(failing);
    }

    @Override
    public String bf16Unavailable() {
      return bf16 ? "" : "this CPU has no native bf16";
    }

    @Override
    public String fp32OnednnUnavailable() {
      return avx512 ? "" : "no AVX-512 kernels";
    }

    @Override
    public String selfCheck(Backend backend, Precision precision, SelfCheckModel model) {
      String key = backend.label() + "/" + precision;
      checked.add(key);
      return failing.contains(key) ? "the " + key + " self-check failed" : "";
    }
  }

  private static final ClipOptions AUTO = new ClipOptions(Precision.AUTO, Backend.AUTO, 0);
  private static final ClipOptions FP32_AUTO = new ClipOptions(Precision.FP32, Backend.AUTO, 0);

  private static EngineChoice.Choice choice(Backend backend, Precision precision) {
    return new EngineChoice.Choice(backend, precision);
  }

  private static List<ClipConfig> clipAndSiglip() throws Exception {
    return List.of(
        ClipCheckpoint.open(Golden.fixture(Golden.OPENAI)).config(),
        ClipCheckpoint.open(Golden.fixture(SiglipGoldens.HF)).config());
  }

  /** The default options pick bf16 on oneDNN where the CPU multiplies bf16 and the check passes. */
  @Test
  void auto_picks_bf16_on_onednn_where_the_cpu_multiplies_bf16_natively() throws Exception {
    for (ClipConfig config : clipAndSiglip()) {
      Machine m = new Machine(true, true);
      assertEquals(choice(Backend.ONEDNN, Precision.BF16), EngineChoice.resolve(AUTO, config, m));
      assertEquals(List.of("onednn/BF16"), m.checked, "bf16 is checked before it is used");
    }
  }

  /** Without native bf16 the default is fp32: oneDNN with AVX-512 kernels, else ONNX Runtime. */
  @Test
  void auto_picks_fp32_where_the_cpu_has_no_native_bf16() throws Exception {
    for (ClipConfig config : clipAndSiglip()) {
      Machine avx512 = new Machine(false, true);
      assertEquals(
          choice(Backend.ONEDNN, Precision.FP32), EngineChoice.resolve(AUTO, config, avx512));
      assertEquals(List.of("onednn/FP32"), avx512.checked, "no bf16 check without native bf16");
      Machine avx2 = new Machine(false, false);
      assertEquals(choice(Backend.ONNX, Precision.FP32), EngineChoice.resolve(AUTO, config, avx2));
      assertEquals(List.of("onnx/FP32"), avx2.checked);
    }
  }

  /** A failed bf16 self-check falls back to fp32, as a missing bf16 unit does. */
  @Test
  void auto_picks_fp32_where_the_bf16_self_check_fails() throws Exception {
    for (ClipConfig config : clipAndSiglip()) {
      Machine m = new Machine(true, true, "onednn/BF16");
      assertEquals(choice(Backend.ONEDNN, Precision.FP32), EngineChoice.resolve(AUTO, config, m));
      assertEquals(List.of("onednn/BF16", "onednn/FP32"), m.checked);
    }
  }

  /** fp32 with engine auto: oneDNN with AVX-512 kernels, else ONNX Runtime, else libtorch. */
  @Test
  void fp32_auto_runs_onednn_with_avx512_else_onnx_else_torch() throws Exception {
    for (ClipConfig config : clipAndSiglip()) {
      assertEquals(
          choice(Backend.ONEDNN, Precision.FP32),
          EngineChoice.resolve(FP32_AUTO, config, new Machine(true, true)));
      assertEquals(
          choice(Backend.ONNX, Precision.FP32),
          EngineChoice.resolve(FP32_AUTO, config, new Machine(true, false)));
      assertEquals(
          choice(Backend.ONNX, Precision.FP32),
          EngineChoice.resolve(FP32_AUTO, config, new Machine(true, true, "onednn/FP32")));
      assertEquals(
          choice(Backend.TORCH, Precision.FP32),
          EngineChoice.resolve(FP32_AUTO, config, new Machine(false, false, "onnx/FP32")));
      Machine noDnnl = new Machine(true, true);
      assertEquals(Backend.ONNX, EngineChoice.fp32Engine(config, false, noDnnl));
      assertEquals(List.of("onnx/FP32"), noDnnl.checked, "oneDNN is left out");
    }
  }

  /** A named engine or precision is taken as asked: nothing is probed or checked. */
  @Test
  void named_engines_and_precisions_are_not_probed() throws Exception {
    EngineChoice.Probes none =
        new EngineChoice.Probes() {
          @Override
          public String bf16Unavailable() {
            throw new AssertionError("probed");
          }

          @Override
          public String fp32OnednnUnavailable() {
            throw new AssertionError("probed");
          }

          @Override
          public String selfCheck(Backend backend, Precision precision, SelfCheckModel model) {
            throw new AssertionError("checked");
          }
        };
    ClipConfig clip = clipAndSiglip().get(0);
    assertEquals(
        choice(Backend.ONEDNN, Precision.BF16),
        EngineChoice.resolve(new ClipOptions(Precision.AUTO, Backend.ONEDNN, 0), clip, none));
    assertEquals(
        choice(Backend.TORCH, Precision.FP32),
        EngineChoice.resolve(new ClipOptions(Precision.AUTO, Backend.TORCH, 0), clip, none));
    assertEquals(
        choice(Backend.ONEDNN, Precision.BF16),
        EngineChoice.resolve(new ClipOptions(Precision.BF16, Backend.AUTO, 0), clip, none));
    assertEquals(
        choice(Backend.ONNX, Precision.INT8),
        EngineChoice.resolve(new ClipOptions(Precision.INT8, Backend.AUTO, 0), clip, none));
    assertEquals(
        choice(Backend.ONNX, Precision.FP32),
        EngineChoice.resolve(new ClipOptions(Precision.FP32, Backend.ONNX, 0), clip, none));
  }

  /** The onnx self-check passes on every machine Glimpse supports: its fp32 pick without oneDNN. */
  @Test
  void fp32_auto_without_onednn_runs_onnx_here() throws Exception {
    for (ClipConfig config : clipAndSiglip()) {
      assertEquals(Backend.ONNX, EngineChoice.fp32Engine(config, false));
    }
  }

  @Test
  void engines_refuse_precisions_they_do_not_offer() throws Exception {
    ClipCheckpoint c = ClipCheckpoint.open(Golden.fixture(Golden.OPENAI));
    String[][] cases = {
      {"BF16", "ONNX", "onednn"},
      {"BF16", "TORCH", "onednn"},
      {"INT8", "TORCH", "onnx"},
      {"INT8", "ONEDNN", "onnx"},
    };
    for (String[] k : cases) {
      ClipOptions o = new ClipOptions(Precision.valueOf(k[0]), Backend.valueOf(k[1]), 0);
      // The options, not the checkpoint, are at fault: an argument error (a usage error at edges).
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ClipModel.load(c, o));
      assertTrue(e.getMessage().contains(k[2]), k[0] + "/" + k[1] + ": " + e.getMessage());
    }
  }

  /**
   * bf16 on oneDNN against libtorch on the geometry of the GELU test below (erf GELU, head width 16
   * and 32, bf16-stored weights): within the fixture README's bf16 cosine bound, one text and one
   * image at a time and batched, with odd batch sizes and text lengths.
   */
  @Test
  void onednn_bf16_matches_torch_on_a_gelu_model(@TempDir Path dir) throws Exception {
    ClipCheckpoint c = geluCheckpoint(dir);
    float[] pixels = Golden.randomPixels(3 * 3 * 224 * 224, 3);
    try (ClipModel torch = ClipModel.load(c, ClipOptions.DEFAULTS);
        ClipModel fast = ClipModel.load(c, new ClipOptions(Precision.BF16, Backend.ONEDNN, 0))) {
      long[][] ids =
          torch.tokenizer().encode(java.util.List.of("a dog", "two cats on a red sofa", "x"));
      float[][] a = torch.textFeatures(ids);
      float[][] b = fast.textFeatures(ids);
      float[][] ia = torch.imageFeatures(pixels, 3);
      float[][] ib = fast.imageFeatures(pixels, 3);
      for (int r = 0; r < a.length; r++) {
        assertClose("text " + r, a[r], b[r]);
        assertClose("single text " + r, a[r], fast.textFeatures(new long[][] {ids[r]})[0]);
      }
      for (int r = 0; r < ia.length; r++) {
        assertClose("image " + r, ia[r], ib[r]);
      }
      float[] second = java.util.Arrays.copyOfRange(pixels, 3 * 224 * 224, 2 * 3 * 224 * 224);
      assertClose("single image", ia[1], fast.imageFeatures(second, 1)[0]);
    }
  }

  /**
   * A random CLIP with erf GELU, a non-default epsilon, head widths 16 and 32, 224 px in patches of
   * 32 and bf16-stored weights.
   */
  private static ClipCheckpoint geluCheckpoint(Path dir) throws Exception {
    ClipConfig config =
        new ClipConfig(
            48,
            new VisionConfig(224, 32, new TransformerConfig(96, 3, 6, 384, Activation.GELU, 1e-6f)),
            new TextConfig(
                77, 49408, new TransformerConfig(64, 3, 2, 256, Activation.GELU, 1e-6f)));
    SyntheticCheckpoint.write(dir, config, 99, DType.BF16);
    return ClipCheckpoint.open(dir);
  }

  private static void assertClose(String what, float[] expected, float[] actual) {
    double cos = Vectors.cosine(expected, actual);
    assertTrue(cos >= EngineChoice.MIN_BF16_COSINE, what + ": cosine " + cos);
    assertTrue(Golden.maxAbs(expected, actual) > 0, what + ": bit-identical to fp32");
  }

  /**
   * GELU (erf), a non-default epsilon, more heads, 224 px in patches of 32 and bf16-stored weights:
   * the fixtures are all QuickGELU, so this pins the other graph branch to libtorch.
   */
  @Test
  void onnx_matches_torch_on_a_gelu_model_with_bf16_weights(@TempDir Path dir) throws Exception {
    ClipCheckpoint c = geluCheckpoint(dir);
    float[] pixels = Golden.randomPixels(3 * 3 * 224 * 224, 3);
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
