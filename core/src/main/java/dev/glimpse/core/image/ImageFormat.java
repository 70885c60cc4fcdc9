package dev.glimpse.core.image;

import java.nio.charset.StandardCharsets;

/**
 * Image formats recognised from the first bytes of a file (magic numbers, the ISO-BMFF {@code ftyp}
 * box, the TIFF header of camera RAW files), never from the file name.
 */
public enum ImageFormat {
  /** JPEG/JFIF/EXIF. */
  JPEG(true),
  /** PNG. */
  PNG(true),
  /** GIF (the first frame is decoded). */
  GIF(true),
  /** Windows bitmap. */
  BMP(true),
  /** WebP (lossy, lossless, with alpha). */
  WEBP(true),
  /** TIFF that is not a camera RAW file. */
  TIFF(true),
  /** HEIF/HEIC (ISO-BMFF with a HEIF brand); no decoder here. */
  HEIF(false),
  /** AVIF; no decoder here. */
  AVIF(false),
  /** JPEG XL; no decoder here. */
  JPEG_XL(false),
  /** A camera RAW file (CR2, CR3, CRW, NEF, ARW, DNG, ORF, RW2, RAF, X3F, ...); no decoder here. */
  CAMERA_RAW(false),
  /** None of the above: possibly another format an ImageIO plugin reads, or not an image. */
  UNKNOWN(false);

  private final boolean supported;

  ImageFormat(boolean supported) {
    this.supported = supported;
  }

  /**
   * Returns whether this package decodes the format.
   *
   * @return true for JPEG, PNG, GIF, BMP, WebP and TIFF
   */
  public boolean supported() {
    return supported;
  }

  /**
   * Returns whether the format is a known image format that this package does not decode.
   *
   * @return true for HEIF, AVIF, JPEG XL and camera RAW
   */
  public boolean knownButUnsupported() {
    return !supported && this != UNKNOWN;
  }

  /**
   * Recognises the format of encoded image bytes.
   *
   * @param b the file's bytes (only the first few kilobytes are looked at)
   * @return the format, {@link #UNKNOWN} if none matches
   */
  public static ImageFormat detect(byte[] b) {
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
      return GIF;
    }
    if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return WEBP;
    }
    if (ascii(b, 0, "BM") && b.length >= 26) {
      return BMP;
    }
    if (ascii(b, 4, "ftyp")) {
      return fromFtyp(b);
    }
    if (startsWith(b, 0, 0xFF, 0x0A)
        || startsWith(b, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
      return JPEG_XL;
    }
    if (isRawMagic(b)) {
      return CAMERA_RAW;
    }
    if (ascii(b, 0, "II*\0") || ascii(b, 0, "MM\0*") || ascii(b, 0, "II+\0")) {
      return TiffRawProbe.isCameraRaw(b) ? CAMERA_RAW : TIFF;
    }
    return UNKNOWN;
  }

  /** RAW formats with a magic number of their own (not plain TIFF). */
  private static boolean isRawMagic(byte[] b) {
    return ascii(b, 0, "IIRO") // Olympus ORF
        || ascii(b, 0, "IIRS") // Olympus ORF
        || ascii(b, 0, "MMOR") // Olympus ORF
        || ascii(b, 0, "IIU\0") // Panasonic RW2
        || ascii(b, 0, "FUJIFILMCCD-RAW") // Fujifilm RAF
        || ascii(b, 0, "FOVb") // Sigma X3F
        || (ascii(b, 0, "II\u001a\0\0\0") && ascii(b, 6, "HEAPCCDR")); // Canon CRW
  }

  /** The major and compatible brands of an ISO-BMFF {@code ftyp} box. */
  private static ImageFormat fromFtyp(byte[] b) {
    long boxSize = u32(b, 0);
    int end = (int) Math.min(b.length, Math.min(boxSize, 4096));
    boolean heif = false;
    boolean raw = false;
    for (int at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) { // major brand, version, compatibles
      String brand = new String(b, at, 4, StandardCharsets.ISO_8859_1);
      switch (brand) {
        case "avif", "avis" -> {
          return AVIF;
        }
        case "crx " -> raw = true;
        case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1" ->
            heif = true;
        default -> {}
      }
    }
    return raw ? CAMERA_RAW : heif ? HEIF : UNKNOWN;
  }

  private static long u32(byte[] b, int at) {
    if (b.length < at + 4) {
      return 0;
    }
    return ((b[at] & 0xFFL) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static boolean startsWith(byte[] b, int at, int... values) {
    if (b.length < at + values.length) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if ((b[at + i] & 0xFF) != values[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] b, int at, String text) {
    if (b.length < at + text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if ((b[at + i] & 0xFF) != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
