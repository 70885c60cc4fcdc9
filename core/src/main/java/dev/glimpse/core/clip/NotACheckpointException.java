package dev.glimpse.core.clip;

/**
 * The folder given as a model holds no checkpoint at all: it does not exist, or it has neither
 * layout's config file. Unlike its parent, this is the caller's input pointing at the wrong place,
 * not a checkpoint that fails to load, so edges report it as bad usage.
 */
public class NotACheckpointException extends CheckpointException {
  private static final long serialVersionUID = 1L;

  public NotACheckpointException(String message) {
    super(message);
  }
}
