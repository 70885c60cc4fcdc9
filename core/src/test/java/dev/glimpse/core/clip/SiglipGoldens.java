package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The reference outputs of a SigLIP fixture folder ({@code golden.json}), made by open_clip v2.32
 * with timm 1.0.15. Both fixtures hold the same weights, so their goldens are the same numbers.
 */
final class SiglipGoldens {
  static final String OPEN_CLIP = "tiny-siglip-openclip";
  static final String HF = "tiny-siglip-hf";

  /** Fixture README bounds: features max abs 2e-5 (the issue allows 5e-5) and cosine 0.999999. */
  static final float FEATURE_MAX_ABS = 2e-5f;

  static final double FEATURE_MIN_COS = 0.999999;
  static final float LOGIT_MAX_ABS = 1e-4f;
  static final float PROB_MAX_ABS = 2e-5f;

  final Path dir;
  final JsonNode root;

  private SiglipGoldens(Path dir, JsonNode root) {
    this.dir = dir;
    this.root = root;
  }

  static SiglipGoldens load(String fixture) throws IOException {
    Path dir = Golden.fixture(fixture);
    return new SiglipGoldens(dir, new ObjectMapper().readTree(dir.resolve("golden.json").toFile()));
  }

  int textCount() {
    return root.get("texts").size();
  }

  int imageCount() {
    return root.get("images").size();
  }

  JsonNode text(int i) {
    return root.get("texts").get(i);
  }

  JsonNode image(int i) {
    return root.get("images").get(i);
  }

  long[][] tokenIds() {
    long[][] out = new long[textCount()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Golden.longs(text(i).get("token_ids"));
    }
    return out;
  }

  float[] textFeatures(int i) {
    return Golden.floats(text(i).get("text_features"));
  }

  float[] textEmbedsNormalized(int i) {
    return Golden.floats(text(i).get("text_embeds_normalized"));
  }

  float[] imageFeatures(int i) {
    return Golden.floats(image(i).get("image_features"));
  }

  float[] imageEmbedsNormalized(int i) {
    return Golden.floats(image(i).get("image_embeds_normalized"));
  }

  float[] pixels(int i) {
    return Golden.floats(image(i).get("pixel_values"));
  }

  /** All golden images' pixel values, back to back: the batch the goldens were made with. */
  float[] pixelBatch() {
    int n = imageCount();
    int per = pixels(0).length;
    float[] batch = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(pixels(i), 0, batch, i * per, per);
    }
    return batch;
  }

  float[] rawPixels() {
    return Golden.floats(root.get("raw_pixel_case").get("pixel_values"));
  }

  float[] rawImageFeatures() {
    return Golden.floats(root.get("raw_pixel_case").get("image_features"));
  }

  float logitScale() {
    return (float) root.get("logit_scale").asDouble();
  }

  float logitBias() {
    return (float) root.get("logit_bias").asDouble();
  }

  float[][] matrix(String key) {
    JsonNode m = root.get(key);
    float[][] out = new float[m.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Golden.floats(m.get(i));
    }
    return out;
  }
}
