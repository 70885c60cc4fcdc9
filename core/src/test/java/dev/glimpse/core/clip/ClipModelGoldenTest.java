package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.image.PreprocessConfig;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fp32 model on libtorch against OpenAI's reference outputs, for both checkpoint layouts.
 * Bounds are the fixture README's: embeddings max abs 5e-5 and cosine 0.999999, logits 5e-4, probs
 * 5e-5. {@link ClipModelOnnxGoldenTest} runs the same tests on ONNX Runtime.
 */
class ClipModelGoldenTest {
  private static final float EMBED_MAX_ABS = 5e-5f;
  private static final double EMBED_MIN_COS = 0.999999;
  private static final FixtureModels MODELS = new FixtureModels();

  /** The engine under test. */
  Backend backend() {
    return Backend.TORCH;
  }

  ClipModel model(String fixture) throws Exception {
    ClipModel m = MODELS.get(fixture, Precision.FP32, backend());
    assertEquals(backend(), m.backend());
    return m;
  }

  @AfterAll
  static void close() {
    MODELS.close();
  }

  private static void assertEmbedding(String what, float[] expected, float[] actual) {
    Golden.assertEmbedding(what, expected, actual, EMBED_MAX_ABS, EMBED_MIN_COS);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void config_is_read_from_the_checkpoint(String fixture) throws Exception {
    ClipConfig c = model(fixture).config();
    assertEquals(32, c.embedDim());
    assertEquals(64, c.vision().imageSize());
    assertEquals(16, c.vision().patchSize());
    assertEquals(128, c.vision().transformer().width());
    assertEquals(2, c.vision().transformer().heads());
    assertEquals(
        4, c.text().transformer().heads(), "text heads come from the config, not width/64");
    assertEquals(Activation.QUICK_GELU, c.text().transformer().activation());
    assertEquals(77, c.text().contextLength());
    PreprocessConfig p = model(fixture).preprocess();
    assertEquals(64, p.shortestEdge());
    assertEquals(64, p.cropSize());
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void text_features_match_reference(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    float[][] actual = model(fixture).textFeatures(g.tokenIds());
    for (int i = 0; i < g.textCount(); i++) {
      assertEmbedding(fixture + " text " + i, g.textEmbeds(i), actual[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void text_features_one_at_a_time_match_reference(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    long[][] ids = g.tokenIds();
    for (int i = 0; i < ids.length; i++) {
      float[] actual = model(fixture).textFeatures(new long[][] {ids[i]})[0];
      assertEmbedding(fixture + " single text " + i, g.textEmbeds(i), actual);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void stopping_at_end_of_text_equals_the_full_context_pass(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    long[][] ids = g.tokenIds();
    ClipModel m = model(fixture);
    float worst = 0;
    for (long[] row : ids) {
      float[] shortPass = m.textFeatures(new long[][] {row}, false)[0];
      float[] fullPass = m.textFeatures(new long[][] {row}, true)[0];
      worst = Math.max(worst, Golden.maxAbs(fullPass, shortPass));
    }
    float[][] batchShort = m.textFeatures(ids, false);
    float[][] batchFull = m.textFeatures(ids, true);
    for (int i = 0; i < ids.length; i++) {
      worst = Math.max(worst, Golden.maxAbs(batchFull[i], batchShort[i]));
    }
    System.out.printf(
        Locale.ROOT, "%s: truncated vs full 77-token pass, max abs %.3g%n", fixture, worst);
    // Same arithmetic on a prefix of the rows. The only freedom left is the GEMM kernel's blocking
    // for a different row count, which moves the last bits (measured 1.4e-6 on embeddings of norm
    // 2-4, i.e. a few ulps); real mistakes (no causal mask, wrong pooling) move them by 2.7-2.9.
    assertTrue(worst <= 5e-6f, "truncated pass differs from the full pass by " + worst);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void image_features_match_reference(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    int n = g.imageCount();
    float[] batch = g.pixelBatch();
    float[][] actual = model(fixture).imageFeatures(batch, n);
    for (int i = 0; i < n; i++) {
      assertEmbedding(fixture + " image " + i, g.imageEmbeds(i), actual[i]);
    }
    float[] raw = Golden.floats(g.root.get("raw_pixel_case").get("pixel_values"));
    float[] rawExpected = Golden.floats(g.root.get("raw_pixel_case").get("image_embeds"));
    assertEmbedding(
        fixture + " raw pixel case", rawExpected, model(fixture).imageFeatures(raw, 1)[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void logits_and_probs_match_reference(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    ClipModel m = model(fixture);
    float expectedScale = (float) g.root.get("logit_scale").asDouble();
    assertTrue(
        Math.abs(m.logitScale() - expectedScale) <= 1e-6 * expectedScale,
        "logit scale " + m.logitScale() + " vs " + expectedScale);
    int n = g.imageCount();
    float[] batch = g.pixelBatch();
    float[][] images = m.encodeImages(batch, n);
    float[][] texts = Vectors.normalizeRows(m.textFeatures(g.tokenIds()));
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
        "%s: logits max abs %.3g, probs max abs %.3g%n",
        fixture,
        worstLogit,
        worstProb);
    assertTrue(worstLogit <= 5e-4f, "logits off by " + worstLogit);
    assertTrue(worstProb <= 5e-5f, "probs off by " + worstProb);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void concurrent_callers_get_the_same_vectors(String fixture) throws Exception {
    Golden g = Golden.load(fixture);
    ClipModel m = model(fixture);
    long[][] ids = g.tokenIds();
    float[][] expected = m.textFeatures(ids);
    Thread[] threads = new Thread[4];
    float[][][] results = new float[threads.length][][];
    for (int t = 0; t < threads.length; t++) {
      int slot = t;
      threads[t] =
          new Thread(
              () -> {
                for (int round = 0; round < 5; round++) {
                  results[slot] = m.textFeatures(ids);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (float[][] r : results) {
      for (int i = 0; i < ids.length; i++) {
        assertTrue(Arrays.equals(expected[i], r[i]) || Golden.maxAbs(expected[i], r[i]) < 1e-6f);
      }
    }
  }
}
