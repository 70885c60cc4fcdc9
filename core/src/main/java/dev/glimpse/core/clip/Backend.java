package dev.glimpse.core.clip;

import java.util.Locale;

/** The inference engine that runs the towers. */
public enum Backend {
  /** libtorch through DJL's PyTorch engine: float32, the engine the golden tests pin. */
  TORCH,
  /**
   * ONNX Runtime's CPU execution provider, on graphs built in memory from the checkpoint's own
   * weights (no exported model file needed). Float32 (golden-verified like {@link #TORCH}) and the
   * opt-in {@link Precision#INT8}.
   */
  ONNX,
  /**
   * oneDNN (Intel's deep learning kernels, through bytedeco's presets), running the transformer
   * blocks in bfloat16: {@link Precision#BF16}, the fast mode.
   */
  ONEDNN,
  /**
   * With {@link Precision#AUTO}: {@link #ONEDNN} in bf16 where the CPU multiplies bf16 natively and
   * a self-check passes. Otherwise float32 on {@link #ONNX} where its native library loads and a
   * self-check against libtorch passes, else {@link #TORCH}.
   */
  AUTO;

  /** Lower-case name, as the CLI spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
