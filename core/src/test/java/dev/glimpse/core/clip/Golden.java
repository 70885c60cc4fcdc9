package dev.glimpse.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;

/** The reference outputs of a fixture folder ({@code golden.json}), made by OpenAI's CLIP code. */
final class Golden {
  static final String OPENAI = "tiny-clip-openai";
  static final String HF = "tiny-clip-hf";

  final Path dir;
  final JsonNode root;

  private Golden(Path dir, JsonNode root) {
    this.dir = dir;
    this.root = root;
  }

  static Path fixture(String name) {
    URL url = Golden.class.getResource("/fixtures/" + name);
    if (url == null) {
      throw new IllegalStateException("test fixture " + name + " is missing from test resources");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Golden load(String name) throws IOException {
    Path dir = fixture(name);
    return new Golden(dir, new ObjectMapper().readTree(dir.resolve("golden.json").toFile()));
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  int textCount() {
    return root.get("texts").size();
  }

  int imageCount() {
    return root.get("images").size();
  }

  long[][] tokenIds() {
    long[][] out = new long[textCount()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = longs(root.get("texts").get(i).get("token_ids"));
    }
    return out;
  }

  float[] textEmbeds(int i) {
    return floats(root.get("texts").get(i).get("text_embeds"));
  }

  float[] pixels(int i) {
    return floats(root.get("images").get(i).get("pixel_values"));
  }

  float[] imageEmbeds(int i) {
    return floats(root.get("images").get(i).get("image_embeds"));
  }

  float[][] matrix(String key) {
    JsonNode m = root.get(key);
    float[][] out = new float[m.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats(m.get(i));
    }
    return out;
  }

  static float maxAbs(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("length " + a.length + " != " + b.length);
    }
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static double cosine(float[] a, float[] b) {
    return Vectors.cosine(a, b);
  }

  /** All golden images' pixel values, back to back: the batch the image goldens were made with. */
  float[] pixelBatch() {
    return batch(imageCount(), this::pixels);
  }

  /** {@code n} equally long arrays back to back. */
  static float[] batch(int n, java.util.function.IntFunction<float[]> item) {
    int per = item.apply(0).length;
    float[] batch = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(item.apply(i), 0, batch, i * per, per);
    }
    return batch;
  }

  /** Asserts an embedding against its reference within the bounds, printing the measured error. */
  static void assertEmbedding(
      String what, float[] expected, float[] actual, float maxAbsBound, double minCosBound) {
    float maxAbs = maxAbs(expected, actual);
    double cos = cosine(expected, actual);
    System.out.printf(Locale.ROOT, "%s: max abs %.3g, cosine %.9f%n", what, maxAbs, cos);
    org.junit.jupiter.api.Assertions.assertTrue(
        maxAbs <= maxAbsBound, what + ": max abs " + maxAbs);
    org.junit.jupiter.api.Assertions.assertTrue(cos >= minCosBound, what + ": cosine " + cos);
  }

  /** {@code count} pixel values drawn uniformly from [-2, 2): inputs for engine comparisons. */
  static float[] randomPixels(int count, long seed) {
    float[] pixels = new float[count];
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (random.nextDouble() * 4 - 2);
    }
    return pixels;
  }
}
