package dev.glimpse.core.clip;

/**
 * Zero-shot scoring: scaled cosine similarities, then for CLIP a softmax over the candidates, for
 * SigLIP an element-wise sigmoid (each image-text pair's own probability).
 */
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

  /** {@code scale * image . text + bias} for each normalised text row (SigLIP's logits). */
  public static float[] logits(float[] image, float[][] texts, float scale, float bias) {
    float[] out = logits(image, texts, scale);
    for (int j = 0; j < out.length; j++) {
      out[j] += bias;
    }
    return out;
  }

  /** The element-wise logistic sigmoid. */
  public static float[] sigmoid(float[] logits) {
    float[] out = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = (float) (1 / (1 + Math.exp(-logits[i])));
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
