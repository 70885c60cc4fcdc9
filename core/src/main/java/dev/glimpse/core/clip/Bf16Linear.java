package dev.glimpse.core.clip;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A linear layer {@code y = x @ W^T + b} for few rows, with the weight stored as bfloat16 and
 * everything else (inputs, accumulation, bias, outputs) in float32.
 *
 * <p>Why: for a text query (about 10 rows) a linear layer is bound by reading its weight.
 * libtorch's MKL GEMM packs the whole weight on every call and streams it at about a quarter of
 * this machine's memory bandwidth, and DJL 0.36 cannot create bfloat16 tensors at all (its native
 * dtype table stops at COMPLEX64, so {@code DataType.BFLOAT16} aborts the JVM). Here the weight is
 * streamed once per call at half the bytes of float32, and expanded to float32 in registers with
 * one shift or one mask.
 *
 * <p>Packing: outputs are grouped in blocks of {@value #BLOCK}. For each block and input index
 * {@code k} there are 32 ints; int {@code j < 16} holds output {@code j} in its low half and output
 * {@code 16 + j} in its high half, int {@code 16 + j} holds outputs {@code 32 + j} and {@code 48 +
 * j}. A block's weights are contiguous, so each thread streams its own range of memory.
 *
 * <p>Thread-safe: immutable after construction.
 */
final class Bf16Linear {
  /** Outputs per packed block: four 16-lane float vectors. */
  static final int BLOCK = 64;

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
  private static final int HIGH_HALF = 0xFFFF0000;

  private final int in;
  private final int out;
  private final int[] packed;
  private final float[] bias;

  /**
   * Packs a float32 weight.
   *
   * @param weight {@code [out, in]}, row-major; rounded to bfloat16 (nearest even)
   * @param bias {@code [out]}, kept in float32
   */
  Bf16Linear(float[] weight, float[] bias, int out, int in) {
    if (!supports(out) || in <= 0) {
      throw new IllegalArgumentException(
          "bf16 linear needs a positive input width and an output width divisible by "
              + BLOCK
              + ", got "
              + out
              + " x "
              + in);
    }
    if (weight.length != (long) out * in || bias.length != out) {
      throw new IllegalArgumentException(
          "weight of "
              + weight.length
              + " and bias of "
              + bias.length
              + " for "
              + out
              + " x "
              + in);
    }
    this.in = in;
    this.out = out;
    this.bias = bias.clone();
    this.packed = new int[out * in / 2];
    for (int b = 0; b < out / BLOCK; b++) {
      for (int k = 0; k < in; k++) {
        int base = (b * in + k) * 32;
        for (int j = 0; j < 16; j++) {
          int o = b * BLOCK + j;
          packed[base + j] = pair(weight[o * in + k], weight[(o + 16) * in + k]);
          packed[base + 16 + j] = pair(weight[(o + 32) * in + k], weight[(o + 48) * in + k]);
        }
      }
    }
  }

  /** Whether an output width can be packed. */
  static boolean supports(int out) {
    return out > 0 && out % BLOCK == 0;
  }

  int in() {
    return in;
  }

  int out() {
    return out;
  }

  private static int pair(float low, float high) {
    return (SafetensorsWriter.toBfloat16(low) & 0xFFFF)
        | (SafetensorsWriter.toBfloat16(high) << 16);
  }

  /**
   * Applies the layer.
   *
   * @param x {@code [rows, in]}
   * @param rows number of rows
   * @return {@code [rows, out]}
   */
  float[] apply(float[] x, int rows) {
    if (x.length != rows * in) {
      throw new IllegalArgumentException(
          x.length + " input values for " + rows + " rows of width " + in);
    }
    // Rows are processed four at a time; pad with zero rows rather than write a tail kernel.
    int padded = (rows + 3) & ~3;
    float[] xs = padded == rows ? x : java.util.Arrays.copyOf(x, padded * in);
    float[] y = new float[rows * out];
    int blocks = out / BLOCK;
    int parts = Math.min(blocks, Runtime.getRuntime().availableProcessors());
    if (parts <= 1) {
      range(xs, rows, y, 0, blocks);
    } else {
      IntStream.range(0, parts)
          .parallel()
          .forEach(p -> range(xs, rows, y, p * blocks / parts, (p + 1) * blocks / parts));
    }
    return y;
  }

  private void range(float[] xs, int rows, float[] y, int fromBlock, int toBlock) {
    for (int b = fromBlock; b < toBlock; b++) {
      for (int r = 0; r < rows; r += 4) {
        kernel(xs, r, rows, y, b);
      }
    }
  }

  /** Four rows starting at {@code r} times one block of 64 outputs. */
  private void kernel(float[] xs, int r, int rows, float[] y, int b) {
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a03 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a13 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a23 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    FloatVector a33 = a00;
    int x0 = r * in;
    int x1 = x0 + in;
    int x2 = x1 + in;
    int x3 = x2 + in;
    int w = b * in * 32;
    for (int k = 0; k < in; k++, w += 32) {
      IntVector p = IntVector.fromArray(I, packed, w);
      IntVector q = IntVector.fromArray(I, packed, w + 16);
      FloatVector w0 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector w1 = p.and(HIGH_HALF).reinterpretAsFloats();
      FloatVector w2 = q.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
      FloatVector w3 = q.and(HIGH_HALF).reinterpretAsFloats();
      FloatVector v = FloatVector.broadcast(F, xs[x0 + k]);
      a00 = w0.fma(v, a00);
      a01 = w1.fma(v, a01);
      a02 = w2.fma(v, a02);
      a03 = w3.fma(v, a03);
      v = FloatVector.broadcast(F, xs[x1 + k]);
      a10 = w0.fma(v, a10);
      a11 = w1.fma(v, a11);
      a12 = w2.fma(v, a12);
      a13 = w3.fma(v, a13);
      v = FloatVector.broadcast(F, xs[x2 + k]);
      a20 = w0.fma(v, a20);
      a21 = w1.fma(v, a21);
      a22 = w2.fma(v, a22);
      a23 = w3.fma(v, a23);
      v = FloatVector.broadcast(F, xs[x3 + k]);
      a30 = w0.fma(v, a30);
      a31 = w1.fma(v, a31);
      a32 = w2.fma(v, a32);
      a33 = w3.fma(v, a33);
    }
    store(y, r, rows, b, a00, a01, a02, a03);
    store(y, r + 1, rows, b, a10, a11, a12, a13);
    store(y, r + 2, rows, b, a20, a21, a22, a23);
    store(y, r + 3, rows, b, a30, a31, a32, a33);
  }

  private void store(
      float[] y,
      int row,
      int rows,
      int b,
      FloatVector s0,
      FloatVector s1,
      FloatVector s2,
      FloatVector s3) {
    if (row >= rows) {
      return;
    }
    int o = b * BLOCK;
    int at = row * out + o;
    s0.add(FloatVector.fromArray(F, bias, o)).intoArray(y, at);
    s1.add(FloatVector.fromArray(F, bias, o + 16)).intoArray(y, at + 16);
    s2.add(FloatVector.fromArray(F, bias, o + 32)).intoArray(y, at + 32);
    s3.add(FloatVector.fromArray(F, bias, o + 48)).intoArray(y, at + 48);
  }
}
