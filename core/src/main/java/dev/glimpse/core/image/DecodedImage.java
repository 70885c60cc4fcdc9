package dev.glimpse.core.image;

import java.util.Objects;

/**
 * A decoded image with interleaved, unsigned 8-bit samples in row-major order.
 *
 * <p>Sample {@code c} of pixel {@code (x, y)} is {@code samples[(y * width + x) * channels + c] &
 * 0xFF}, with {@code channels = mode.channels()}. The array is not copied: treat it as read-only
 * once the image is made.
 *
 * @param width width in pixels, positive
 * @param height height in pixels, positive
 * @param mode the sample layout
 * @param samples {@code width * height * mode.channels()} samples
 */
public record DecodedImage(int width, int height, PixelMode mode, byte[] samples) {

  /** Validates the dimensions against the sample array. */
  public DecodedImage {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(samples, "samples");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image dimensions must be positive, got " + width + "x" + height);
    }
    long expected = (long) width * height * mode.channels();
    if (samples.length != expected) {
      throw new IllegalArgumentException(
          "expected "
              + expected
              + " samples for a "
              + width
              + "x"
              + height
              + " "
              + mode
              + " image, got "
              + samples.length);
    }
  }

  /**
   * Returns the number of samples per pixel.
   *
   * @return {@code mode().channels()}
   */
  public int channels() {
    return mode.channels();
  }

  /**
   * Returns one sample.
   *
   * @param x column, {@code 0 <= x < width}
   * @param y row, {@code 0 <= y < height}
   * @param channel channel, {@code 0 <= channel < channels()}
   * @return the sample, 0 to 255
   */
  public int sample(int x, int y, int channel) {
    return samples[(y * width + x) * mode.channels() + channel] & 0xFF;
  }

  @Override
  public String toString() {
    return "DecodedImage[" + width + "x" + height + " " + mode + "]";
  }
}
