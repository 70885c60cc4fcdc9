package dev.glimpse.core.clip;

/** Numeric precision of the encoders. */
public enum Precision {
  /**
   * Exact: float32 everywhere, through libtorch. Matches OpenAI's reference to the fixture README's
   * float32 bounds (embeddings max abs 5e-5).
   */
  FP32,
  /**
   * Fast: text queries of up to 32 rows (texts x tokens) run their transformer blocks in Java with
   * linear weights rounded to bfloat16 (float32 activations, accumulation, LayerNorm and softmax).
   * Meets the fixture README's bfloat16 bounds (embeddings max abs 0.1, cosine 0.9995). Images and
   * longer texts run the float32 path: DJL 0.36 cannot create bfloat16 tensors (see {@code
   * docs/benchmarks.md}). Needs the Vector API ({@code --add-modules jdk.incubator.vector}).
   */
  BF16,
  /**
   * {@link #BF16} where the JVM has the Vector API with 512-bit vectors, a self-check on the loaded
   * model passes (cosine of a test query's fp32 and bf16 embeddings at least 0.9995) and bf16
   * answers that query at least 10% faster than fp32 on this machine; otherwise {@link #FP32}.
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
