package dev.glimpse.core.clip;

import java.util.Objects;

/**
 * How to load a {@link ClipModel}.
 *
 * @param precision the encoders' numeric precision; {@link Precision#FP32} is exact
 */
public record ClipOptions(Precision precision) {
  /** Exact float32. */
  public static final ClipOptions DEFAULTS = new ClipOptions(Precision.FP32);

  public ClipOptions {
    Objects.requireNonNull(precision, "precision");
  }
}
