package dev.glimpse.core.clip;

import java.util.Objects;

/**
 * How to load a {@link ClipModel}.
 *
 * @param precision the encoders' numeric precision; {@link Precision#FP32} is exact
 * @param backend the engine that runs the towers
 * @param threads intra-op threads for {@link Backend#ONNX}; 0 lets ONNX Runtime choose (one per
 *     core). libtorch keeps its own setting ({@code OMP_NUM_THREADS}).
 */
public record ClipOptions(Precision precision, Backend backend, int threads) {
  /** Exact float32 on libtorch, the engine the golden tests pin. */
  public static final ClipOptions DEFAULTS = new ClipOptions(Precision.FP32, Backend.TORCH, 0);

  public ClipOptions {
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(backend, "backend");
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (automatic) or positive: " + threads);
    }
  }

  /** Precision on the default engine. */
  public ClipOptions(Precision precision) {
    this(precision, Backend.TORCH, 0);
  }

  public ClipOptions withBackend(Backend b) {
    return new ClipOptions(precision, b, threads);
  }
}
