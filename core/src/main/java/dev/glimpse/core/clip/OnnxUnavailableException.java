package dev.glimpse.core.clip;

/**
 * ONNX Runtime cannot run this model here: its native library does not load on this platform, it
 * rejects a graph, or a tower is too large for an in-memory model. {@link Backend#AUTO} falls back
 * to libtorch.
 */
public class OnnxUnavailableException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public OnnxUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
