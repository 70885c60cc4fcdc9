package dev.glimpse.core.clip;

/** CLIP's zero-shot scoring: scaled cosine similarities and a softmax over the candidates. */
public final class ZeroShot {
  private ZeroShot() {}

  /** {@code scale * image . text} for each normalised text row. */
  public static float[] logits(float[] image, float[][] texts, float scale) {
    float[] out = new float[texts.length];
    for (int j = 0; j < texts.length; j++) {
      out[j] = scale * Vectors.dot(image, texts[j]);
    }
    return out;
  }

  /** A numerically stable softmax. */
  public static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] e = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      e[i] = Math.exp(logits[i] - max);
      sum += e[i];
    }
    float[] out = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = (float) (e[i] / sum);
    }
    return out;
  }
}
