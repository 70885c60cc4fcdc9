package dev.glimpse.core.clip;

/** Small vector helpers for embeddings. */
public final class Vectors {
  private Vectors() {}

  /** Splits a row-major matrix into rows. */
  static float[][] rows(float[] flat, int count) {
    int dim = flat.length / count;
    float[][] out = new float[count][dim];
    for (int i = 0; i < count; i++) {
      System.arraycopy(flat, i * dim, out[i], 0, dim);
    }
    return out;
  }

  /** L2-normalises each row, returning new arrays. */
  public static float[][] normalizeRows(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = normalize(rows[i]);
    }
    return out;
  }

  /** Returns {@code v / |v|}; a zero vector stays zero. */
  public static float[] normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float[] out = new float[v.length];
    if (sum == 0) {
      return out;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  /** Cosine similarity, accumulated in double. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(aa * bb);
  }

  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension " + a.length + " != " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return (float) s;
  }
}
