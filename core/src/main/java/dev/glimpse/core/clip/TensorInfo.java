package dev.glimpse.core.clip;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name the tensor name
 * @param dtype the element type
 * @param shape the shape (empty for a scalar)
 * @param begin start offset of the data, relative to the end of the header
 * @param end end offset (exclusive), relative to the end of the header
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor " + name + " has a negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "tensor " + name + " has invalid data offsets [" + begin + ", " + end + "]");
    }
    if (Math.multiplyExact(n, dtype.bytes()) != end - begin) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " of shape "
              + Arrays.toString(shape)
              + " and dtype "
              + dtype
              + " needs "
              + n * dtype.bytes()
              + " bytes but its offsets span "
              + (end - begin));
    }
  }

  /** Number of elements. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The shape as text, e.g. {@code [768, 512]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }
}
