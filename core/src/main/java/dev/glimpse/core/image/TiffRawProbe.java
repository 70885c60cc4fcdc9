package dev.glimpse.core.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Tells camera RAW files that use the TIFF container (CR2, NEF, ARW, DNG, PEF, SRW, ...) from
 * ordinary TIFF images by walking the first IFD.
 *
 * <p>A file is RAW if it has Canon's CR2 signature after the header, a {@code DNGVersion} tag, or a
 * camera maker's {@code Make} together with {@code SubIFDs} (where the RAW data sits). A TIFF saved
 * by a camera's TIFF mode has no {@code SubIFDs} and stays an ordinary TIFF.
 */
final class TiffRawProbe {

  private static final int TAG_MAKE = 0x010F;
  private static final int TAG_SUB_IFDS = 0x014A;
  private static final int TAG_DNG_VERSION = 0xC612;
  private static final int TYPE_ASCII = 2;
  private static final int MAX_ENTRIES = 1000;

  private static final Set<String> CAMERA_MAKERS =
      Set.of(
          "canon",
          "nikon",
          "sony",
          "pentax",
          "ricoh",
          "olympus",
          "om digital",
          "fujifilm",
          "panasonic",
          "leica",
          "hasselblad",
          "phase one",
          "samsung",
          "mamiya",
          "kodak",
          "eastman kodak",
          "sigma",
          "minolta",
          "konica minolta",
          "epson",
          "leaf",
          "sinar");

  private TiffRawProbe() {}

  /**
   * Returns whether a TIFF-headed file is a camera RAW file.
   *
   * @param b the file's bytes, starting with a TIFF header
   * @return true if it looks like RAW; false for ordinary TIFF or unreadable structure
   */
  static boolean isCameraRaw(byte[] b) {
    if (b.length < 16 || b[2] == '+') { // BigTIFF is not used by RAW formats
      return false;
    }
    if (b[8] == 'C' && b[9] == 'R' && b[10] == 2) {
      return true; // Canon CR2
    }
    ByteBuffer buf =
        ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    long ifd = buf.getInt(4) & 0xFFFFFFFFL;
    if (ifd < 8 || ifd + 2 > b.length) {
      return false;
    }
    int count = buf.getShort((int) ifd) & 0xFFFF;
    boolean subIfds = false;
    String make = "";
    for (int i = 0; i < Math.min(count, MAX_ENTRIES); i++) {
      int entry = (int) ifd + 2 + i * 12;
      if (entry + 12 > b.length) {
        break;
      }
      int tag = buf.getShort(entry) & 0xFFFF;
      if (tag == TAG_DNG_VERSION) {
        return true;
      } else if (tag == TAG_SUB_IFDS) {
        subIfds = true;
      } else if (tag == TAG_MAKE && (buf.getShort(entry + 2) & 0xFFFF) == TYPE_ASCII) {
        make = readAscii(b, buf, entry);
      }
    }
    return subIfds && isCameraMaker(make);
  }

  private static String readAscii(byte[] b, ByteBuffer buf, int entry) {
    int length = b.length;
    long n = buf.getInt(entry + 4) & 0xFFFFFFFFL;
    long at = n <= 4 ? entry + 8 : buf.getInt(entry + 8) & 0xFFFFFFFFL;
    if (n > 256 || at + n > length) {
      return "";
    }
    String s = new String(b, (int) at, (int) n, StandardCharsets.ISO_8859_1);
    int nul = s.indexOf('\0');
    return (nul >= 0 ? s.substring(0, nul) : s).trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isCameraMaker(String make) {
    if (make.isEmpty()) {
      return false;
    }
    for (String maker : CAMERA_MAKERS) {
      if (make.startsWith(maker)) {
        return true;
      }
    }
    return false;
  }
}
