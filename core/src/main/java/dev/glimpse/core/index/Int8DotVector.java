package dev.glimpse.core.index;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Dot} on the Vector API, at the JVM's preferred width W: bytes are loaded W/2 bits at a
 * time and widened to shorts (W bits), multiplied (|127 * 127| fits a short), and the products
 * widened to ints in two halves and summed. Only loaded once the module is known to be present.
 */
final class Int8DotVector implements Int8Dot {
  // Static finals: the JIT compiles Vector API code to SIMD only when the species are constants.
  private static final int BITS = IntVector.SPECIES_PREFERRED.vectorBitSize();
  private static final VectorSpecies<Byte> BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, BITS / 2)));
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(128, BITS)));
  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(Math.max(128, BITS)));

  private Int8DotVector() {}

  static Int8Dot create() {
    return BITS >= 256 ? new Int8DotVector() : Int8Dot::scalar;
  }

  @Override
  public int dot(byte[] a, byte[] b, int bOffset) {
    int step = BYTES.length();
    int bound = BYTES.loopBound(a.length);
    IntVector acc = IntVector.zero(INTS);
    for (int i = 0; i < bound; i += step) {
      ShortVector x =
          (ShortVector)
              ByteVector.fromArray(BYTES, a, i).convertShape(VectorOperators.B2S, SHORTS, 0);
      ShortVector y =
          (ShortVector)
              ByteVector.fromArray(BYTES, b, bOffset + i)
                  .convertShape(VectorOperators.B2S, SHORTS, 0);
      ShortVector products = x.mul(y);
      acc = acc.add((IntVector) products.convertShape(VectorOperators.S2I, INTS, 0));
      acc = acc.add((IntVector) products.convertShape(VectorOperators.S2I, INTS, 1));
    }
    int sum = acc.reduceLanes(VectorOperators.ADD);
    for (int i = bound; i < a.length; i++) {
      sum += a[i] * b[bOffset + i];
    }
    return sum;
  }
}
