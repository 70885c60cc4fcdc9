package dev.glimpse.core.index;

/**
 * The local model folder an index was built with no longer holds the same weights (or is gone), so
 * queries encoded with it would not match the indexed vectors.
 */
public class WeightsChangedException extends IndexException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception without a cause.
   *
   * @param message what changed and what the user can do about it
   */
  public WeightsChangedException(String message) {
    super(message);
  }

  /**
   * Creates an exception.
   *
   * @param message what changed and what the user can do about it
   * @param cause the underlying exception
   */
  public WeightsChangedException(String message, Throwable cause) {
    super(message, cause);
  }
}
