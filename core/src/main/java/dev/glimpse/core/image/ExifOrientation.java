package dev.glimpse.core.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;

/**
 * EXIF orientation (tag 0x0112): reading it, and turning the stored pixels upright.
 *
 * <p>Values: 1 upright, 2 mirrored horizontally, 3 rotated 180°, 4 mirrored vertically, 5
 * transposed (mirrored along the main diagonal), 6 needs a 90° clockwise turn, 7 transversed
 * (mirrored along the anti-diagonal), 8 needs a 90° counter-clockwise turn.
 */
public final class ExifOrientation {

  /** The orientation of an image stored upright. */
  public static final int NORMAL = 1;

  private ExifOrientation() {}

  /**
   * Reads the orientation from an encoded image.
   *
   * @param encoded the file's bytes
   * @return 1 to 8; {@link #NORMAL} when absent, invalid or unreadable
   */
  public static int read(byte[] encoded) {
    try {
      Metadata metadata =
          ImageMetadataReader.readMetadata(new ByteArrayInputStream(encoded), encoded.length);
      for (ExifIFD0Directory directory : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
        Integer value = directory.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
        if (value != null && value >= 1 && value <= 8) {
          return value;
        }
      }
    } catch (Exception | StackOverflowError e) {
      // Broken or unsupported metadata must not stop the pixels from being used.
    }
    return NORMAL;
  }

  /**
   * Returns the image as it should be displayed, given the orientation it was stored with.
   *
   * @param image the stored pixels
   * @param orientation EXIF orientation; values outside 2..8 leave the image unchanged
   * @return the upright image ({@code image} itself for orientation 1)
   */
  public static DecodedImage apply(DecodedImage image, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swapsAxes = orientation >= 5;
    int outWidth = swapsAxes ? h : w;
    int outHeight = swapsAxes ? w : h;
    int channels = image.channels();
    byte[] in = image.samples();
    byte[] out = new byte[in.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int ox;
        int oy;
        switch (orientation) {
          case 2 -> {
            ox = w - 1 - x;
            oy = y;
          }
          case 3 -> {
            ox = w - 1 - x;
            oy = h - 1 - y;
          }
          case 4 -> {
            ox = x;
            oy = h - 1 - y;
          }
          case 5 -> {
            ox = y;
            oy = x;
          }
          case 6 -> {
            ox = h - 1 - y;
            oy = x;
          }
          case 7 -> {
            ox = h - 1 - y;
            oy = w - 1 - x;
          }
          default -> {
            ox = y;
            oy = w - 1 - x;
          }
        }
        System.arraycopy(
            in, (y * w + x) * channels, out, (oy * outWidth + ox) * channels, channels);
      }
    }
    return new DecodedImage(outWidth, outHeight, image.mode(), out);
  }
}
