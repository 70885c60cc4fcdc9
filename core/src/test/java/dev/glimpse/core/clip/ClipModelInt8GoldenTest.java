package dev.glimpse.core.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The opt-in int8 precision (ONNX engine, 8-bit block-quantized linear weights, int8 compute)
 * against OpenAI's reference outputs. It is held to the fixture README's bfloat16 bounds, the
 * loosest the project accepts for a fast mode: embeddings max abs 0.1 and cosine 0.9995, logits
 * 0.3, probs 0.03.
 */
class ClipModelInt8GoldenTest {
  private static final FixtureModels MODELS = new FixtureModels();

  static ClipModel model(String fixture) throws Exception {
    return MODELS.get(fixture, Precision.INT8, Backend.ONNX);
  }

  @AfterAll
  static void close() {
    MODELS.close();
  }

  private static void assertEmbedding(String what, float[] expected, float[] actual) {
    Golden.assertEmbedding("int8 " + what, expected, actual, 0.1f, 0.9995);
  }

  @ParameterizedTest
  @ValueSource(strings = {Golden.OPENAI, Golden.HF})
  void int8_differs_from_fp32_but_stays_within_the_fast_bounds(String fixture) throws Exception {
    ClipModel m = model(fixture);
    assertEquals(Precision.INT8, m.precision());
    Golden g = Golden.load(fixture);
    long[][] ids = g.tokenIds();
    float[][] texts = m.textFeatures(ids);
    float[] fp32 =
        MODELS.get(fixture, Precision.FP32, Backend.ONNX).textFeatures(new long[][] {ids[0]})[0];
    // If these were equal, the bounds below would be checking the fp32 graph.
    assertTrue(Golden.maxAbs(fp32, texts[0]) > 1e-5f, "int8 features equal the fp32 ones");
    for (int i = 0; i < g.textCount(); i++) {
      assertEmbedding(fixture + " text " + i, g.textEmbeds(i), texts[i]);
    }
    int n = g.imageCount();
    float[] batch = g.pixelBatch();
    float[][] images = m.imageFeatures(batch, n);
    for (int i = 0; i < n; i++) {
      assertEmbedding(fixture + " image " + i, g.imageEmbeds(i), images[i]);
    }
  }
}
