package dev.glimpse.core.image;

import static org.bytedeco.leptonica.global.leptonica.L_SEVERITY_NONE;
import static org.bytedeco.leptonica.global.leptonica.pixDestroy;
import static org.bytedeco.leptonica.global.leptonica.pixGetData;
import static org.bytedeco.leptonica.global.leptonica.pixGetDepth;
import static org.bytedeco.leptonica.global.leptonica.pixGetHeight;
import static org.bytedeco.leptonica.global.leptonica.pixGetWidth;
import static org.bytedeco.leptonica.global.leptonica.pixGetWpl;
import static org.bytedeco.leptonica.global.leptonica.pixReadMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.readHeaderMemJpeg;
import static org.bytedeco.leptonica.global.leptonica.setMsgSeverity;

import java.util.Optional;
import org.bytedeco.leptonica.PIX;

/**
 * Decodes JPEGs at 1/2, 1/4 or 1/8 of their size with libjpeg-turbo's DCT scaling ({@code
 * scale_denom}), what Pillow's {@code Image.draft()} does: an 8x8 block becomes 4x4, 2x2 or 1x1
 * pixels in the inverse DCT, so the full-size image is never made.
 *
 * <p>libjpeg-turbo comes statically linked into Leptonica's native library, shipped for
 * linux-x86_64 inside the {@code org.bytedeco:leptonica} jar and unpacked by JavaCPP on first use
 * (no download). Where it cannot be loaded {@link #available()} is false and callers fall back to
 * ImageIO. Each call decodes on its own libjpeg state, so this class is thread-safe.
 */
final class DctScaledJpegDecoder {

  /** Whether the native library loaded; set once, never changed. */
  private static final boolean AVAILABLE = load();

  private DctScaledJpegDecoder() {}

  private static boolean load() {
    try {
      // Leptonica's messages are one process-wide setting; it only ever needs to be quiet here.
      setMsgSeverity(L_SEVERITY_NONE);
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /**
   * Returns whether the native decoder can be used on this machine.
   *
   * @return true if libjpeg-turbo loaded
   */
  static boolean available() {
    return AVAILABLE;
  }

  /**
   * Returns whether the file has an EOI marker ({@code FF D9}) after its first scan starts, i.e. it
   * is probably not truncated. Truncated files are left to ImageIO, which reports them precisely
   * and without libjpeg printing a warning to standard error. Many cameras pad their files or
   * append data after the image (Canon, Fujifilm, BlackBerry, Samsung trailers), so the marker is
   * looked for anywhere after the first start-of-scan: inside entropy-coded data a {@code FF} byte
   * is always followed by {@code 00} or a restart marker, so a {@code FF D9} there is the end of
   * the image. The EOI of an EXIF thumbnail comes before the first scan and does not count.
   *
   * @param jpeg the file's bytes
   * @return false if no end marker follows the first scan
   */
  static boolean hasEndMarker(byte[] jpeg) {
    int scan = firstScan(jpeg);
    if (scan < 0) {
      return false;
    }
    // The marker is nearly always in the last 4 KiB: look there first, then at the rest.
    int tail = Math.max(scan, jpeg.length - 4096);
    return hasEndMarker(jpeg, tail, jpeg.length) || hasEndMarker(jpeg, scan, tail + 1);
  }

  /** Whether {@code FF D9} starts anywhere in {@code [from, to - 1)}. */
  private static boolean hasEndMarker(byte[] jpeg, int from, int to) {
    for (int i = from; i < to - 1; i++) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xD9) {
        return true;
      }
    }
    return false;
  }

  /** Offset of the first SOS marker, found by walking the marker segments; -1 if none. */
  private static int firstScan(byte[] jpeg) {
    int i = 2;
    while (i + 4 <= jpeg.length) {
      if (jpeg[i] != (byte) 0xFF) {
        return -1;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xDA) {
        return i;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // standalone marker
        continue;
      }
      int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
      if (length < 2) {
        return -1;
      }
      i += 2 + length;
    }
    return -1;
  }

  /** Width, height and components of a JPEG from its header. */
  record Header(int width, int height, int components, boolean cmykOrYcck) {}

  /**
   * Reads a JPEG's header.
   *
   * @param jpeg the file's bytes
   * @return the header, empty if libjpeg cannot parse it
   */
  static Optional<Header> header(byte[] jpeg) {
    int[] w = new int[1];
    int[] h = new int[1];
    int[] spp = new int[1];
    int[] ycck = new int[1];
    int[] cmyk = new int[1];
    if (readHeaderMemJpeg(jpeg, jpeg.length, w, h, spp, ycck, cmyk) != 0) {
      return Optional.empty();
    }
    return Optional.of(new Header(w[0], h[0], spp[0], ycck[0] != 0 || cmyk[0] != 0));
  }

  /**
   * Returns the largest reduction whose output still has a shorter side of at least {@code
   * minShortSide} (libjpeg rounds scaled sizes up).
   *
   * @param shortSide the image's shorter side
   * @param minShortSide the smallest acceptable shorter side after reduction
   * @return 8, 4, 2 or 1
   */
  static int reductionFor(int shortSide, int minShortSide) {
    for (int reduction = 8; reduction > 1; reduction /= 2) {
      if ((shortSide + reduction - 1) / reduction >= minShortSide) {
        return reduction;
      }
    }
    return 1;
  }

  /**
   * Decodes an RGB or grey JPEG at a reduced size.
   *
   * @param jpeg the file's bytes
   * @param reduction 1, 2, 4 or 8
   * @return the image (RGB or L, not yet oriented); empty if libjpeg reported any error or warning
   *     (corrupt or truncated data), so that the caller can decode it the reference way
   */
  static Optional<DecodedImage> decode(byte[] jpeg, int reduction) {
    int[] warnings = new int[1];
    PIX pix = pixReadMemJpeg(jpeg, jpeg.length, 0, reduction, warnings, 0);
    if (pix == null || pix.isNull()) {
      return Optional.empty();
    }
    try {
      return warnings[0] != 0 ? Optional.empty() : toDecodedImage(pix);
    } finally {
      pixDestroy(pix);
    }
  }

  /**
   * Copies a Leptonica image out: 32 bpp words are {@code 0xRRGGBBAA}, 8 bpp rows hold four pixels
   * a word, the first in the most significant byte.
   */
  private static Optional<DecodedImage> toDecodedImage(PIX pix) {
    int width = pixGetWidth(pix);
    int height = pixGetHeight(pix);
    int depth = pixGetDepth(pix);
    int wpl = pixGetWpl(pix);
    if (depth != 32 && depth != 8) {
      return Optional.empty();
    }
    int[] words = new int[wpl * height];
    pixGetData(pix).get(words);
    PixelMode mode = depth == 32 ? PixelMode.RGB : PixelMode.L;
    byte[] out = new byte[width * height * mode.channels()];
    int o = 0;
    for (int y = 0; y < height; y++) {
      int row = y * wpl;
      if (depth == 32) {
        for (int x = 0; x < width; x++) {
          int v = words[row + x];
          out[o++] = (byte) (v >>> 24);
          out[o++] = (byte) (v >>> 16);
          out[o++] = (byte) (v >>> 8);
        }
      } else {
        for (int x = 0; x < width; x++) {
          out[o++] = (byte) (words[row + (x >> 2)] >>> (24 - 8 * (x & 3)));
        }
      }
    }
    return Optional.of(new DecodedImage(width, height, mode, out));
  }
}
