package dev.glimpse.core.clip;

/**
 * The bf16 fast path cannot run here: oneDNN's native library does not load on this platform, or it
 * rejects the model. {@link Precision#AUTO} falls back to float32.
 */
public class DnnlUnavailableException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public DnnlUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
