package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bf16 fast mode (oneDNN) against OpenAI's reference outputs, for both checkpoint layouts.
 * Bounds are the fixture README's bfloat16 row (measured there for torch's bf16 compute: 3.4e-2 /
 * 0.99992 / 0.11 / 0.014): embeddings max abs 0.1 and cosine 0.9995, logits 0.3, probs 0.03.
 */
class ClipModelBf16GoldenTest {
  private static final float EMBED_MAX_ABS = 0.1f;
  private static final double EMBED_MIN_COS = 0.9995;
  private static final FixtureModels MODELS = new FixtureModels();

  static ClipModel model(String fixture) throws Exception {
    return MODELS.get(fixture, Precision.BF16, Backend.ONEDNN);
  }

  @AfterAll
  static void close() {
    MODELS.close();
  }

  private static void assertEmbedding(String what, float[] expected, float[] actual) {
    Golden.assertEmbedding("bf16 " + what, expected, actual, EMBED_MAX_ABS, EMBED_MIN_COS);
  }

  /** Text features one query at a time, the way search encodes them. */
  private static float[][] singleTexts(ClipModel m, long[][] ids) {
    float[][] out = new float[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      out[i] = m.textFeatures(new long[][] {ids[i]})[0];
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void both_towers_run_on_onednn_and_differ_from_fp32(String fixture) throws Exception {
    ClipModel fast = model(fixture);
    assertEquals(Precision.BF16, fast.precision());
    assertEquals(Backend.ONEDNN, fast.backend());
    Golden g = Golden.load(fixture);
    ClipModel exact = MODELS.get(fixture, Precision.FP32);
    long[][] first = {g.tokenIds()[0]};
    // If these were equal, the tests below would be checking a float32 path.
    float[] text = fast.textFeatures(first)[0];
    assertTrue(Golden.maxAbs(exact.textFeatures(first)[0], text) > 0, "text is float32");
    float[] pixels = g.pixelBatch();
    float[] image = fast.imageFeatures(pixels, g.imageCount())[0];
    float[] exactImage = exact.imageFeatures(pixels, g.imageCount())[0];
    assertTrue(Golden.maxAbs(exactImage, image) > 0, "image is float32");
  }

  /** Text rows stop at the last end-of-text token (padded to a multiple of 8): same answers. */
  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void truncated_text_matches_the_full_context(String fixture) throws Exception {
    long[][] ids = Golden.load(fixture).tokenIds();
    ClipModel m = model(fixture);
    float[][] cut = m.textFeatures(ids, false);
    float[][] full = m.textFeatures(ids, true);
    for (int i = 0; i < ids.length; i++) {
      assertTrue(
          Vectors.cosine(full[i], cut[i]) >= 0.99999,
          "text " + i + ": cosine " + Vectors.cosine(full[i], cut[i]));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void text_features_match_reference_within_bf16_bounds(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    float[][] actual = singleTexts(model(fixture), g.tokenIds());
    for (int i = 0; i < g.textCount(); i++) {
      assertEmbedding(fixture + " text " + i, g.textEmbeds(i), actual[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void batched_text_features_match_reference_within_bf16_bounds(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    long[][] ids = g.tokenIds();
    long[][] firstThree = {ids[0], ids[1], ids[2]};
    float[][] actual = model(fixture).textFeatures(firstThree);
    for (int i = 0; i < firstThree.length; i++) {
      assertEmbedding(fixture + " batched text " + i, g.textEmbeds(i), actual[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void image_features_match_reference_within_bf16_bounds(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    int n = g.imageCount();
    float[] batch = g.pixelBatch();
    float[][] actual = model(fixture).imageFeatures(batch, n);
    for (int i = 0; i < n; i++) {
      assertEmbedding(fixture + " image " + i, g.imageEmbeds(i), actual[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void logits_and_probs_match_reference_within_bf16_bounds(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    ClipModel m = model(fixture);
    int n = g.imageCount();
    float[] batch = g.pixelBatch();
    float[][] images = m.encodeImages(batch, n);
    float[][] texts = Vectors.normalizeRows(singleTexts(m, g.tokenIds()));
    float[][] expectedLogits = g.matrix("logits_per_image");
    float[][] expectedProbs = g.matrix("probs");
    float worstLogit = 0;
    float worstProb = 0;
    for (int i = 0; i < n; i++) {
      float[] logits = ZeroShot.logits(images[i], texts, m.logitScale());
      float[] probs = ZeroShot.softmax(logits);
      worstLogit = Math.max(worstLogit, Golden.maxAbs(expectedLogits[i], logits));
      worstProb = Math.max(worstProb, Golden.maxAbs(expectedProbs[i], probs));
    }
    System.out.printf(
        Locale.ROOT,
        "bf16 %s: logits max abs %.3g, probs max abs %.3g%n",
        fixture,
        worstLogit,
        worstProb);
    assertTrue(worstLogit <= 0.3f, "logits off by " + worstLogit);
    assertTrue(worstProb <= 0.03f, "probs off by " + worstProb);
  }
}
