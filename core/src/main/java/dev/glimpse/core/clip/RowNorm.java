package dev.glimpse.core.clip;

/** LayerNorm and projection of single rows in float32 (double statistics), for tower ends. */
final class RowNorm {
  private RowNorm() {}

  /**
   * LayerNorm of {@code width} floats of {@code src} from {@code from}, into {@code dst} at {@code
   * to}.
   */
  static void layerNorm(
      float[] src,
      int from,
      float[] dst,
      int to,
      int width,
      float[] scale,
      float[] shift,
      float eps) {
    double sum = 0;
    for (int i = 0; i < width; i++) {
      sum += src[from + i];
    }
    double mean = sum / width;
    double squares = 0;
    for (int i = 0; i < width; i++) {
      double c = src[from + i] - mean;
      squares += c * c;
    }
    double inv = 1.0 / Math.sqrt(squares / width + eps);
    for (int i = 0; i < width; i++) {
      dst[to + i] = (float) ((src[from + i] - mean) * inv * scale[i] + shift[i]);
    }
  }

  /** {@code row @ projection} for a {@code [width, embed]} projection. */
  static float[] project(float[] row, float[] projection, int width, int embed) {
    float[] out = new float[embed];
    for (int k = 0; k < width; k++) {
      float v = row[k];
      int base = k * embed;
      for (int e = 0; e < embed; e++) {
        out[e] += v * projection[base + e];
      }
    }
    return out;
  }
}
