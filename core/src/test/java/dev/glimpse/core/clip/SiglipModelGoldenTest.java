package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.image.PreprocessConfig;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SigLIP model on libtorch in fp32 against open_clip's reference outputs, for both checkpoint
 * layouts (the same weights). Bounds: the fixture README's (features max abs 2e-5, cosine 0.999999,
 * logits 1e-4, probabilities 2e-5). Other engines subclass this with their own backend and bounds.
 */
class SiglipModelGoldenTest {
  private static final FixtureModels MODELS = new FixtureModels();

  /** The engine under test. */
  Backend backend() {
    return Backend.TORCH;
  }

  /** The precision under test. */
  Precision precision() {
    return Precision.FP32;
  }

  /** Bound on the max abs error of unnormalised features. */
  float featureMaxAbs() {
    return SiglipGoldens.FEATURE_MAX_ABS;
  }

  /** Bound on the cosine of features. */
  double featureMinCos() {
    return SiglipGoldens.FEATURE_MIN_COS;
  }

  /** Bound on logits. */
  float logitMaxAbs() {
    return SiglipGoldens.LOGIT_MAX_ABS;
  }

  /** Bound on sigmoid probabilities. */
  float probMaxAbs() {
    return SiglipGoldens.PROB_MAX_ABS;
  }

  ClipModel model(String fixture) throws Exception {
    ClipModel m = MODELS.get(fixture, precision(), backend());
    assertEquals(backend(), m.backend());
    return m;
  }

  @AfterAll
  static void close() {
    MODELS.close();
  }

  private void assertFeatures(String what, float[] expected, float[] actual) {
    Golden.assertEmbedding(what, expected, actual, featureMaxAbs(), featureMinCos());
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void config_is_read_from_the_checkpoint(String fixture) throws Exception {
    ClipModel model = model(fixture);
    ClipConfig c = model.config();
    assertEquals(ModelFamily.SIGLIP, c.family());
    assertEquals(128, c.embedDim());
    assertEquals(VisionHead.MAP, c.vision().head());
    assertEquals(TextHead.LAST, c.text().head());
    assertEquals(64, c.vision().imageSize());
    assertEquals(16, c.vision().patchSize());
    assertEquals(16, c.vision().tokens(), "no class token");
    assertEquals(2, c.vision().transformer().heads());
    assertEquals(4, c.text().transformer().heads());
    assertEquals(512, c.text().transformer().mlpWidth());
    assertEquals(64, c.text().contextLength());
    assertEquals(1000, c.text().vocabSize());
    assertEquals(1e-6f, c.vision().transformer().layerNormEps());
    assertEquals(1e-6f, c.text().transformer().layerNormEps());
    // open_clip's SigLIP v1 uses the exact GELU in both towers (fixture README, "Activation").
    assertEquals(Activation.GELU, c.vision().transformer().activation());
    assertEquals(Activation.GELU, c.text().transformer().activation());
    PreprocessConfig p = model.preprocess();
    assertEquals(PreprocessConfig.ResizeMode.SQUASH, p.resizeMode());
    assertEquals(64, p.cropSize());
    assertEquals(0.5f, p.mean()[0]);
    assertEquals(0.5f, p.std()[2]);
    SiglipGoldens g = SiglipGoldens.load(fixture);
    // The stored log-space scale is a float16 value; its exp may differ from torch's float32 exp
    // by one ulp (Java computes it in double, then rounds).
    assertEquals(g.logitScale(), model.logitScale(), Math.ulp(g.logitScale()), "exp(logit_scale)");
    assertEquals(g.logitBias(), model.logitBias(), 0f, "logit_bias, exact");
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void text_features_match_reference(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    float[][] actual = model(fixture).textFeatures(g.tokenIds());
    for (int i = 0; i < g.textCount(); i++) {
      assertFeatures(fixture + " text " + i, g.textFeatures(i), actual[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void text_features_one_at_a_time_match_reference(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    long[][] ids = g.tokenIds();
    for (int i = 0; i < ids.length; i++) {
      float[] actual = model(fixture).textFeatures(new long[][] {ids[i]})[0];
      assertFeatures(fixture + " single text " + i, g.textFeatures(i), actual);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void image_features_match_reference(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    float[][] actual = model(fixture).imageFeatures(g.pixelBatch(), g.imageCount());
    for (int i = 0; i < g.imageCount(); i++) {
      assertFeatures(fixture + " image " + i, g.imageFeatures(i), actual[i]);
    }
    float[] single = model(fixture).imageFeatures(g.pixels(3), 1)[0];
    assertFeatures(fixture + " single image 3", g.imageFeatures(3), single);
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void raw_pixel_case_matches_reference(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    float[] actual = model(fixture).imageFeatures(g.rawPixels(), 1)[0];
    assertFeatures(fixture + " raw pixels", g.rawImageFeatures(), actual);
  }

  @ParameterizedTest
  @ValueSource(strings = {SiglipGoldens.OPEN_CLIP, SiglipGoldens.HF})
  void logits_and_sigmoid_probabilities_match_reference(String fixture) throws Exception {
    SiglipGoldens g = SiglipGoldens.load(fixture);
    ClipModel model = model(fixture);
    float[][] images = Vectors.normalizeRows(model.imageFeatures(g.pixelBatch(), g.imageCount()));
    float[][] texts = Vectors.normalizeRows(model.textFeatures(g.tokenIds()));
    float[][] logits = g.matrix("logits_per_image");
    float[][] probs = g.matrix("probs_sigmoid");
    float worstLogit = 0;
    float worstProb = 0;
    for (int i = 0; i < images.length; i++) {
      for (int t = 0; t < texts.length; t++) {
        float logit = model.logitScale() * Vectors.dot(images[i], texts[t]) + model.logitBias();
        float prob = (float) (1 / (1 + Math.exp(-logit)));
        worstLogit = Math.max(worstLogit, Math.abs(logit - logits[i][t]));
        worstProb = Math.max(worstProb, Math.abs(prob - probs[i][t]));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s logits max abs %.3g, probs max abs %.3g%n",
        fixture,
        worstLogit,
        worstProb);
    assertTrue(worstLogit <= logitMaxAbs(), "logits max abs " + worstLogit);
    assertTrue(worstProb <= probMaxAbs(), "probs max abs " + worstProb);
  }
}
