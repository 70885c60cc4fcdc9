package dev.glimpse.core.clip;

import dev.glimpse.core.dnnl.Dnnl;
import dev.glimpse.core.dnnl.DnnlScope;
import dev.glimpse.core.dnnl.NativeBuffer;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * One linear layer in oneDNN form: the weight as {@code [in, out]} in the packed layout the matmul
 * kernels want (converted from float32 with round-to-nearest-even when {@code type} is bf16), and a
 * float32 bias {@code [1, out]}.
 *
 * @param packed the weight's descriptor, shared by every layer of the same shape
 */
record DnnlLinear(int in, int out, dnnl_memory_desc packed, dnnl_memory weight, dnnl_memory bias) {

  /**
   * Packs a canonical {@code [out, in]} float32 weight.
   *
   * @param bias {@code out} floats
   * @param scope owns the packed weight and bias
   */
  static DnnlLinear pack(
      Dnnl dnnl,
      DnnlScope scope,
      dnnl_stream stream,
      dnnl_memory_desc packed,
      float[] weight,
      float[] bias,
      int out,
      int in) {
    if (weight.length != (long) out * in || bias.length != out) {
      throw new IllegalArgumentException(
          "linear "
              + out
              + "x"
              + in
              + " got "
              + weight.length
              + " weights, "
              + bias.length
              + " biases");
    }
    NativeBuffer packedData = NativeBuffer.allocate(scope, Dnnl.size(packed));
    dnnl_memory packedMemory = dnnl.memory(scope, packed, packedData.pointer());
    try (DnnlScope local = new DnnlScope()) {
      NativeBuffer source = NativeBuffer.allocate(local, (long) weight.length * Float.BYTES);
      source.floats().put(weight);
      // [out, in] row-major is the transpose of the [in, out] matrix oneDNN multiplies by.
      dnnl_memory_desc sourceMd = dnnl.transposed(local, Dnnl.Type.F32, in, out);
      dnnl.reorder(
          stream, sourceMd, dnnl.memory(local, sourceMd, source.pointer()), packed, packedMemory);
    }
    NativeBuffer biasData = NativeBuffer.allocate(scope, (long) out * Float.BYTES);
    biasData.floats().put(bias);
    dnnl_memory biasMemory =
        dnnl.memory(scope, dnnl.plain(scope, Dnnl.Type.F32, 1, out), biasData.pointer());
    return new DnnlLinear(in, out, packed, packedMemory, biasMemory);
  }
}
