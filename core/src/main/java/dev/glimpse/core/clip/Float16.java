package dev.glimpse.core.clip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Widening of 16-bit floats (IEEE half, including subnormals, and bfloat16) to float32. */
final class Float16 {
  private Float16() {}

  /** Decodes {@code count} little-endian elements of {@code dtype} starting at the buffer. */
  static float[] toFloats(ByteBuffer raw, DType dtype, int count) {
    ByteBuffer buf = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[count];
    switch (dtype) {
      case F32 -> buf.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.float16ToFloat(buf.getShort(i * 2));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[i] = Float.intBitsToFloat((buf.getShort(i * 2) & 0xffff) << 16);
        }
      }
      default -> throw new IllegalArgumentException("not a float dtype: " + dtype);
    }
    return out;
  }
}
