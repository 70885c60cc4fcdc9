package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SigLIP golden tests of {@link SiglipModelGoldenTest} in the bf16 fast mode (oneDNN), with the
 * bf16 bounds of the CLIP bf16 golden tests ({@link ClipModelBf16GoldenTest}, from the CLIP fixture
 * README's bfloat16 row): features max abs 0.1 and cosine 0.9995, logits 0.3, probabilities 0.03.
 * The SigLIP fixture README measured no reduced precision; its features are larger (norm 7-13
 * against CLIP's 5), so the same absolute bound is relatively a little looser, and the cosine bound
 * carries the weight.
 */
class SiglipModelBf16GoldenTest extends SiglipModelGoldenTest {
  private static final FixtureModels FP32 = new FixtureModels();

  @Override
  Backend backend() {
    return Backend.ONEDNN;
  }

  @Override
  Precision precision() {
    return Precision.BF16;
  }

  @Override
  float featureMaxAbs() {
    return 0.1f;
  }

  @Override
  double featureMinCos() {
    return 0.9995;
  }

  @Override
  float logitMaxAbs() {
    return 0.3f;
  }

  @Override
  float probMaxAbs() {
    return 0.03f;
  }

  @org.junit.jupiter.api.AfterAll
  static void closeFp32() {
    FP32.close();
  }

  /** If bf16 gave float32's exact answers, the bounds above would be checking a float32 path. */
  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void both_towers_run_in_bf16(String fixture) throws Exception {
    ClipModel fast = model(fixture);
    assertEquals(Precision.BF16, fast.precision());
    ClipModel exact = FP32.get(fixture, Precision.FP32, Backend.ONEDNN);
    SiglipGoldens g = SiglipGoldens.load(fixture);
    long[][] first = {g.tokenIds()[0]};
    float[] text = fast.textFeatures(first)[0];
    assertTrue(Golden.maxAbs(exact.textFeatures(first)[0], text) > 0, "text is float32");
    float[] image = fast.imageFeatures(g.pixels(0), 1)[0];
    assertTrue(Golden.maxAbs(exact.imageFeatures(g.pixels(0), 1)[0], image) > 0, "image is fp32");
  }
}
