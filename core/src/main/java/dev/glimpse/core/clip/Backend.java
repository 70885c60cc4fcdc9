package dev.glimpse.core.clip;

import java.util.Locale;

/** The inference engine that runs the towers. */
public enum Backend {
  /**
   * libtorch through DJL's PyTorch engine: float32 (exact) and the bf16 text fast path ({@link
   * Precision#BF16}).
   */
  TORCH,
  /**
   * ONNX Runtime's CPU execution provider, on graphs built in memory from the checkpoint's own
   * weights (no exported model file needed). Float32, golden-verified like {@link #TORCH}.
   */
  ONNX,
  /**
   * {@link #ONNX} where its native library loads and a self-check against the float32 reference
   * passes; otherwise {@link #TORCH}.
   */
  AUTO;

  /** Lower-case name, as the CLI spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
