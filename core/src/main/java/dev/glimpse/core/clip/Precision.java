package dev.glimpse.core.clip;

/** Numeric precision of the encoders. */
public enum Precision {
  /**
   * Exact: float32 everywhere, on oneDNN, ONNX Runtime or libtorch. Matches OpenAI's reference to
   * the fixture README's float32 bounds (embeddings max abs 5e-5) on each.
   */
  FP32,
  /**
   * Fast: the transformer blocks of both towers run on oneDNN with bfloat16 weights, LayerNorm
   * outputs and attention operands; float32 residual stream, accumulation, biases, LayerNorm
   * statistics, softmax, patch embedding, final LayerNorm and projections. Meets the fixture
   * README's bfloat16 bounds (embeddings max abs 0.1, cosine 0.9995). Runs on every x86-64 CPU, but
   * is fast only where the CPU multiplies bf16 natively (AVX512_BF16, AMX).
   */
  BF16,
  /**
   * The default: {@link #BF16} where oneDNN runs here, the CPU multiplies bf16 natively and a
   * self-check against float32 passes; otherwise {@link #FP32}.
   */
  AUTO,
  /**
   * Opt-in, ONNX engine only: the transformers' linear weights quantized to 8 bits in blocks of up
   * to 128 inputs with one float scale each, multiplied in int8 with block-quantized activations
   * (ONNX Runtime's {@code MatMulNBits}, VNNI on CPUs that have it). Attention, LayerNorm, softmax,
   * embeddings and projections stay float32. Off by default: its effect on retrieval quality cannot
   * be proven with random weights; see {@code docs/benchmarks.md} for the embedding error.
   */
  INT8
}
