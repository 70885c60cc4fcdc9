package dev.glimpse.core.image;

import java.io.IOException;

/** An image could not be decoded: unreadable, truncated, not an image, or too large. */
public class ImageDecodeException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what is wrong, naming the file
   */
  public ImageDecodeException(String message) {
    super(message);
  }

  /**
   * Creates an exception that keeps its cause.
   *
   * @param message what is wrong, naming the file
   * @param cause the underlying failure
   */
  public ImageDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
