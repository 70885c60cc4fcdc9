package dev.glimpse.core.image;

/** Pillow's RGBA to RGBa (premultiplied) conversions and back, with its integer rounding. */
final class Premultiplied {

  private Premultiplied() {}

  /**
   * Returns premultiplied copies of interleaved RGBA samples: {@code c * a / 255} rounded as
   * Pillow's {@code MULDIV255}.
   */
  static byte[] premultiply(byte[] rgba) {
    byte[] out = new byte[rgba.length];
    for (int i = 0; i < rgba.length; i += 4) {
      int alpha = rgba[i + 3] & 0xFF;
      out[i] = (byte) mulDiv255(rgba[i] & 0xFF, alpha);
      out[i + 1] = (byte) mulDiv255(rgba[i + 1] & 0xFF, alpha);
      out[i + 2] = (byte) mulDiv255(rgba[i + 2] & 0xFF, alpha);
      out[i + 3] = rgba[i + 3];
    }
    return out;
  }

  /**
   * Undoes the premultiplication in place: {@code min(255, 255 * c / a)} with integer division;
   * colour is kept as is where alpha is 0 or 255 (as Pillow does).
   */
  static void unpremultiplyInPlace(byte[] rgba) {
    for (int i = 0; i < rgba.length; i += 4) {
      int alpha = rgba[i + 3] & 0xFF;
      if (alpha != 0 && alpha != 255) {
        for (int c = 0; c < 3; c++) {
          rgba[i + c] = (byte) Math.min(255, (255 * (rgba[i + c] & 0xFF)) / alpha);
        }
      }
    }
  }

  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }
}
