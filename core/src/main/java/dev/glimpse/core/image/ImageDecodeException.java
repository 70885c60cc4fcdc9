package dev.glimpse.core.image;

import java.io.IOException;
import java.util.Objects;

/**
 * An image could not be decoded: unreadable, truncated, not an image, or too large.
 *
 * <p>{@link #reason()} says why in a form a caller can count, e.g. the indexer's skip statistics.
 */
public class ImageDecodeException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why an image could not be decoded. */
  public enum Reason {
    /** A recognised image format that no decoder here reads: HEIC/HEIF, AVIF, JPEG XL, RAW. */
    UNSUPPORTED_FORMAT,
    /** The content is not an image format at all, e.g. text or a video. */
    NOT_AN_IMAGE,
    /** The image data is damaged or invalid. */
    CORRUPT,
    /** The image data ends before the image is complete. */
    TRUNCATED,
    /** The image has more pixels than the decoder's limit, or than memory allows. */
    TOO_MANY_PIXELS,
    /** The file has no bytes. */
    EMPTY,
    /** The file exists but cannot be read, e.g. for lack of permission. */
    UNREADABLE,
    /** The file was not there when it was read, e.g. deleted since it was listed. */
    VANISHED
  }

  private final Reason reason;

  /**
   * Creates an exception for damaged image data ({@link Reason#CORRUPT}).
   *
   * @param message what is wrong, naming the file
   */
  public ImageDecodeException(String message) {
    this(Reason.CORRUPT, message, null);
  }

  /**
   * Creates an exception for damaged image data ({@link Reason#CORRUPT}) that keeps its cause.
   *
   * @param message what is wrong, naming the file
   * @param cause the underlying failure
   */
  public ImageDecodeException(String message, Throwable cause) {
    this(Reason.CORRUPT, message, cause);
  }

  /**
   * Creates an exception with a reason.
   *
   * @param reason why the image cannot be decoded
   * @param message what is wrong, naming the file
   */
  public ImageDecodeException(Reason reason, String message) {
    this(reason, message, null);
  }

  /**
   * Creates an exception with a reason that keeps its cause.
   *
   * @param reason why the image cannot be decoded
   * @param message what is wrong, naming the file
   * @param cause the underlying failure, or null
   */
  public ImageDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns why the image could not be decoded.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
