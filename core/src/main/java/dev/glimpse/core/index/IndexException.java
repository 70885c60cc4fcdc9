package dev.glimpse.core.index;

import java.io.IOException;

/**
 * The index cannot be used as asked: it is locked by another writer, was built for another model or
 * vector dimension, does not exist, or cannot be read. The message says what is wrong and what to
 * do; the underlying exception, if any, is kept as the cause.
 */
public class IndexException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception without a cause.
   *
   * @param message what happened and what the user can do about it
   */
  public IndexException(String message) {
    super(message);
  }

  /**
   * Creates an exception.
   *
   * @param message what happened and what the user can do about it
   * @param cause the underlying exception
   */
  public IndexException(String message, Throwable cause) {
    super(message, cause);
  }
}
