package dev.glimpse.core.index;

/**
 * The dot product of two int8 vectors of equal length, for the exact scan. The Vector API version
 * is used where the JVM has the module (the launcher adds it); otherwise a scalar loop.
 *
 * <p>Not Lucene's {@code VectorUtil.dotProduct(byte[], byte[])}, which takes two whole arrays of
 * equal length: {@link QuantizedSegment} keeps a segment's vectors in one array, and a vector is a
 * slice of it.
 */
interface Int8Dot {
  /** The sum of {@code a[i] * b[bOffset + i]} over every {@code i} of {@code a}. */
  int dot(byte[] a, byte[] b, int bOffset);

  /** The fastest implementation this JVM supports. */
  static Int8Dot best() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      return Int8DotVector.create();
    }
    return Int8Dot::scalar;
  }

  /** The plain loop. */
  static int scalar(byte[] a, byte[] b, int bOffset) {
    int sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[bOffset + i];
    }
    return sum;
  }
}
