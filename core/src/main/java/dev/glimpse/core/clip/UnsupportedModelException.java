package dev.glimpse.core.clip;

/**
 * The checkpoint is of an architecture or format Glimpse does not run (ResNet CLIP, SigLIP, ...).
 */
public class UnsupportedModelException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public UnsupportedModelException(String message) {
    super(message);
  }
}
