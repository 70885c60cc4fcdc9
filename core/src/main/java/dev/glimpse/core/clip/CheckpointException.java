package dev.glimpse.core.clip;

import java.io.IOException;

/**
 * A model checkpoint cannot be used: a file is missing, truncated or malformed, shapes disagree
 * with the config, or the architecture is not supported. The message says what is wrong and, where
 * possible, what to do instead.
 */
public class CheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
