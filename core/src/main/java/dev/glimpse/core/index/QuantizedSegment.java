package dev.glimpse.core.index;

import java.io.IOException;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * An int8 copy of one segment's vectors, held on the heap for exact scans: a quarter of the bytes
 * of the float vectors, so a scan reads a quarter of the memory. Each component {@code x} is stored
 * as {@code round(x * scale)} with one scale per segment ({@code 127 / max |x|}), so the dot
 * product of two copies divided by both scales approximates the float dot product; candidates are
 * rescored with the floats afterwards ({@link QuantizedExactSearch}).
 *
 * <p>The bytes of all vectors lie in one array, in ordinal order: a scan then reads memory
 * sequentially, whatever the garbage collector does. (One small array per vector was as fast until
 * a collection copied them: scattered in the old generation they made the scan 4x slower, bound by
 * cache misses.)
 *
 * <p>Immutable once built; a segment's vectors never change, so a copy stays valid for the life of
 * the segment.
 */
final class QuantizedSegment {
  private final byte[] vectors;
  private final int dimension;
  private final int[] docs;
  private final float scale;

  private QuantizedSegment(byte[] vectors, int dimension, int[] docs, float scale) {
    this.vectors = vectors;
    this.dimension = dimension;
    this.docs = docs;
    this.scale = scale;
  }

  /**
   * Quantizes every vector of a segment (two passes over the floats: the largest component, then
   * the bytes).
   *
   * @param values the segment's float vectors
   * @return the copy, indexed by vector ordinal
   */
  static QuantizedSegment of(FloatVectorValues values) throws IOException {
    int n = values.size();
    int[] docs = new int[n];
    float maxAbs = 0;
    KnnVectorValues.DocIndexIterator it = values.iterator();
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      int ord = it.index();
      docs[ord] = doc;
      maxAbs = Math.max(maxAbs, maxAbs(values.vectorValue(ord)));
    }
    float scale = scaleFor(maxAbs);
    int dimension = values.dimension();
    long bytes = (long) n * dimension;
    if (bytes > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException(
          "a segment of "
              + n
              + " vectors of dimension "
              + dimension
              + " is too large for an int8 copy in one array; search it through HNSW");
    }
    byte[] vectors = new byte[(int) bytes];
    for (int ord = 0; ord < n; ord++) {
      quantize(values.vectorValue(ord), scale, vectors, ord * dimension);
    }
    return new QuantizedSegment(vectors, dimension, docs, scale);
  }

  /** The scale that maps {@code [-maxAbs, maxAbs]} onto {@code [-127, 127]}. */
  static float scaleFor(float maxAbs) {
    return maxAbs == 0 ? 1f : 127f / maxAbs;
  }

  /** The largest absolute component of a vector. */
  static float maxAbs(float[] v) {
    float m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  /** {@code round(x * scale)} for each component, clamped to {@code [-127, 127]}. */
  static byte[] quantize(float[] v, float scale) {
    byte[] out = new byte[v.length];
    quantize(v, scale, out, 0);
    return out;
  }

  private static void quantize(float[] v, float scale, byte[] out, int offset) {
    for (int i = 0; i < v.length; i++) {
      out[offset + i] = (byte) Math.max(-127, Math.min(127, Math.round(v[i] * scale)));
    }
  }

  /** Vectors in the segment. */
  int size() {
    return docs.length;
  }

  /** The segment-local doc id of a vector ordinal; ordinals ascend with doc ids. */
  int doc(int ord) {
    return docs[ord];
  }

  /** Every vector's bytes, ordinal after ordinal; shared, do not modify. */
  byte[] vectors() {
    return vectors;
  }

  /** Where an ordinal's bytes start in {@link #vectors()}. */
  int offset(int ord) {
    return ord * dimension;
  }

  /** This segment's scale: a stored byte is {@code component * scale}. */
  float scale() {
    return scale;
  }
}
