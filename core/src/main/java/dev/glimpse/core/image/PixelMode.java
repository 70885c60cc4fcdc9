package dev.glimpse.core.image;

/** Layout of the interleaved 8-bit samples of a {@link DecodedImage}. */
public enum PixelMode {
  /** One grey sample per pixel. */
  L(1),
  /** Red, green, blue. */
  RGB(3),
  /** Red, green, blue and straight (not premultiplied) alpha. */
  RGBA(4);

  private final int channels;

  PixelMode(int channels) {
    this.channels = channels;
  }

  /**
   * Returns the number of samples per pixel.
   *
   * @return 1, 3 or 4
   */
  public int channels() {
    return channels;
  }
}
