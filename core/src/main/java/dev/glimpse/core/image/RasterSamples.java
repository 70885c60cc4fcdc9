package dev.glimpse.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Copies the samples of a decoded {@link BufferedImage} into a {@link DecodedImage} without any
 * colour management: the stored samples are used as they are, whatever ICC profile the image
 * carries.
 *
 * <ul>
 *   <li>grey images become L (grey with alpha becomes RGBA with the grey replicated);
 *   <li>RGB images become RGB, or RGBA when they have alpha;
 *   <li>palette images are expanded to RGB, or RGBA when the palette has transparency;
 *   <li>samples wider than 8 bits keep their most significant byte, as Pillow does for 16-bit PNG;
 *       narrower samples are scaled to 0..255;
 *   <li>any other colour space is converted to sRGB by Java2D.
 * </ul>
 */
final class RasterSamples {

  private RasterSamples() {}

  static DecodedImage toDecodedImage(BufferedImage image) {
    ColorModel colorModel = image.getColorModel();
    if (colorModel.isAlphaPremultiplied()) {
      image.coerceData(false);
      colorModel = image.getColorModel();
    }
    Raster raster = image.getRaster();
    if (colorModel instanceof IndexColorModel palette) {
      return expandPalette(raster, palette);
    }
    int colorSpaceType = colorModel.getColorSpace().getType();
    int bands = raster.getNumBands();
    if (colorSpaceType == ColorSpace.TYPE_GRAY && (bands == 1 || bands == 2)) {
      return bands == 1
          ? copyBands(raster, PixelMode.L, new int[] {0})
          : copyBands(raster, PixelMode.RGBA, new int[] {0, 0, 0, 1});
    }
    if (colorSpaceType == ColorSpace.TYPE_RGB && (bands == 3 || bands == 4)) {
      return bands == 3
          ? copyBands(raster, PixelMode.RGB, new int[] {0, 1, 2})
          : copyBands(raster, PixelMode.RGBA, new int[] {0, 1, 2, 3});
    }
    return viaSrgb(image);
  }

  /** Copies the given source bands (one per output channel), reduced or scaled to 8 bits. */
  private static DecodedImage copyBands(Raster raster, PixelMode mode, int[] sourceBands) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    int bands = raster.getNumBands();
    int[] bits = raster.getSampleModel().getSampleSize();
    int channels = mode.channels();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), channels)];
    int[] row = new int[width * bands];
    int minX = raster.getMinX();
    int minY = raster.getMinY();
    int o = 0;
    for (int y = 0; y < height; y++) {
      raster.getPixels(minX, minY + y, width, 1, row);
      for (int x = 0; x < width; x++) {
        int base = x * bands;
        for (int c = 0; c < channels; c++) {
          int band = sourceBands[c];
          out[o++] = (byte) to8Bit(row[base + band], bits[band]);
        }
      }
    }
    return new DecodedImage(width, height, mode, out);
  }

  private static DecodedImage expandPalette(Raster raster, IndexColorModel palette) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    boolean alpha = palette.hasAlpha();
    PixelMode mode = alpha ? PixelMode.RGBA : PixelMode.RGB;
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), mode.channels())];
    int[] row = new int[width];
    int o = 0;
    for (int y = 0; y < height; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
      for (int x = 0; x < width; x++) {
        int index = row[x];
        out[o++] = (byte) palette.getRed(index);
        out[o++] = (byte) palette.getGreen(index);
        out[o++] = (byte) palette.getBlue(index);
        if (alpha) {
          out[o++] = (byte) palette.getAlpha(index);
        }
      }
    }
    return new DecodedImage(width, height, mode, out);
  }

  private static DecodedImage viaSrgb(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    boolean alpha = image.getColorModel().hasAlpha();
    PixelMode mode = alpha ? PixelMode.RGBA : PixelMode.RGB;
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), mode.channels())];
    int[] row = new int[width];
    int o = 0;
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int argb = row[x];
        out[o++] = (byte) (argb >> 16);
        out[o++] = (byte) (argb >> 8);
        out[o++] = (byte) argb;
        if (alpha) {
          out[o++] = (byte) (argb >>> 24);
        }
      }
    }
    return new DecodedImage(width, height, mode, out);
  }

  private static int to8Bit(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    if (bits > 8) {
      return sample >>> (bits - 8);
    }
    int max = (1 << bits) - 1;
    return (sample * 255 + max / 2) / max;
  }
}
