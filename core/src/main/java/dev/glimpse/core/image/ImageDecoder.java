package dev.glimpse.core.image;

import dev.glimpse.core.image.ImageDecodeException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image files into {@link DecodedImage}s the way the CLIP reference (Pillow) sees them.
 *
 * <ul>
 *   <li>The format is detected from the content, never from the file name.
 *   <li>No ICC colour management: the stored samples are used as they are (for JPEG, libjpeg's
 *       YCbCr to RGB conversion with the ISLOW IDCT and fancy upsampling, the same as Pillow's).
 *       CMYK/YCCK JPEGs, which the JDK cannot read, are converted to RGB by TwelveMonkeys.
 *   <li>Grey stays L, alpha stays RGBA, palettes are expanded, 16-bit samples keep their high byte.
 *   <li>The EXIF orientation is applied (unless disabled); the reference does not do this.
 *   <li>Images with more than {@link #maxPixels()} pixels are refused from their header, before any
 *       pixel is decoded.
 *   <li>Every failure to decode (empty, truncated, unknown or corrupt data, a file that cannot be
 *       read) is an {@link ImageDecodeException} with a {@link ImageDecodeException#reason()}.
 *       HEIF, AVIF, JPEG XL and camera RAW files are recognised and refused as {@link
 *       Reason#UNSUPPORTED_FORMAT}.
 * </ul>
 *
 * <p>{@link #decode} is the reference path (see {@link ClipPreprocessor}); {@link
 * #decodeDownscaled} is the fast path for indexing, which lets the JPEG codec skip detail that the
 * CLIP resize would throw away.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageDecoder {

  /** Default limit on {@code width * height}: 100 million pixels. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  /** The largest limit an RGBA image can be held in one array with. */
  private static final long HARD_MAX_PIXELS = (Integer.MAX_VALUE - 8) / 4;

  private static final String JDK_JPEG_READER = "com.sun.imageio.plugins.jpeg.JPEGImageReader";

  private final long maxPixels;
  private final boolean applyExifOrientation;

  /** Creates a decoder with the default pixel limit that applies the EXIF orientation. */
  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS, true);
  }

  /**
   * Creates a decoder.
   *
   * @param maxPixels largest accepted {@code width * height}, positive, at most about 536 million
   * @param applyExifOrientation whether to turn images upright according to their EXIF orientation
   */
  public ImageDecoder(long maxPixels, boolean applyExifOrientation) {
    if (maxPixels <= 0 || maxPixels > HARD_MAX_PIXELS) {
      throw new IllegalArgumentException(
          "maxPixels must be between 1 and " + HARD_MAX_PIXELS + ", got " + maxPixels);
    }
    this.maxPixels = maxPixels;
    this.applyExifOrientation = applyExifOrientation;
  }

  /**
   * Returns the pixel limit.
   *
   * @return the largest accepted {@code width * height}
   */
  public long maxPixels() {
    return maxPixels;
  }

  /**
   * Decodes an image file.
   *
   * @param file the file
   * @return the decoded, upright image
   * @throws ImageDecodeException if the content is not a decodable image or is too large
   * @throws IOException if the file cannot be read
   */
  public DecodedImage decode(Path file) throws IOException {
    return decode(read(file), file.toString());
  }

  /**
   * Decodes an image file for indexing, at reduced resolution where the codec allows: the result's
   * shorter side is still at least {@code minShortSide} (or the full image where it is smaller).
   *
   * <p>Baseline and progressive RGB or grey JPEGs are decoded with libjpeg-turbo's DCT scaling
   * (1/2, 1/4 or 1/8, like Pillow's {@code Image.draft()}), which skips most of the inverse DCT,
   * colour conversion and upsampling work. At 1/8, progressive files are first stripped of the AC
   * scans that such a decode ignores ({@link ProgressiveScanPruner}; same pixels). Other formats,
   * CMYK/YCCK JPEGs, JPEGs without an end marker (truncated) or that libjpeg warns about (corrupt
   * data; libjpeg prints one line to standard error for those), and machines without the native
   * library take {@link #decode(byte[], String)}. The pixel limit and EXIF orientation apply as
   * there.
   *
   * <p><b>Not bit-exact to the reference:</b> Pillow's CLIP transform does not call {@code
   * draft()}, so a {@link ClipPreprocessor} fed from this method differs slightly from the golden
   * outputs (DCT-domain averaging instead of part of the bicubic antialiasing, libjpeg-turbo
   * instead of the JDK's libjpeg, and a resized size that can differ by a pixel).
   *
   * @param file the file
   * @param minShortSide the smallest shorter side the caller needs, e.g. the CLIP resize size
   * @return the decoded, upright image
   * @throws ImageDecodeException if the file cannot be read or is not a decodable image
   */
  public DecodedImage decodeDownscaled(Path file, int minShortSide) throws ImageDecodeException {
    return decodeDownscaled(read(file), file.toString(), minShortSide);
  }

  /**
   * Decodes an encoded image held in memory at reduced resolution where the codec allows; see
   * {@link #decodeDownscaled(Path, int)}.
   *
   * @param bytes the encoded image
   * @param nameForMessages how to name the image in exception messages, e.g. its path
   * @param minShortSide the smallest shorter side the caller needs, positive
   * @return the decoded, upright image
   * @throws ImageDecodeException if the content is not a decodable image or is too large
   */
  public DecodedImage decodeDownscaled(byte[] bytes, String nameForMessages, int minShortSide)
      throws ImageDecodeException {
    if (minShortSide <= 0) {
      throw new IllegalArgumentException("minShortSide must be positive, got " + minShortSide);
    }
    String name = nameOf(nameForMessages);
    if (detect(bytes, name) == ImageFormat.JPEG
        && DctScaledJpegDecoder.available()
        && DctScaledJpegDecoder.hasEndMarker(bytes)) {
      Optional<DecodedImage> image = decodeJpegScaled(bytes, name, minShortSide);
      if (image.isPresent()) {
        return orient(image.get(), bytes);
      }
    }
    return decode(bytes, name);
  }

  private Optional<DecodedImage> decodeJpegScaled(byte[] bytes, String name, int minShortSide)
      throws ImageDecodeException {
    Optional<DctScaledJpegDecoder.Header> header = DctScaledJpegDecoder.header(bytes);
    if (header.isEmpty() || header.get().cmykOrYcck() || header.get().components() == 4) {
      return Optional.empty();
    }
    int width = header.get().width();
    int height = header.get().height();
    checkSize(width, height, name);
    int reduction = DctScaledJpegDecoder.reductionFor(Math.min(width, height), minShortSide);
    try {
      if (reduction == 8) {
        // Progressive files: the AC scans that a 1/8 decode ignores need not be decoded.
        Optional<byte[]> pruned = ProgressiveScanPruner.forEighthScale(bytes);
        Optional<DecodedImage> image =
            pruned.flatMap(p -> DctScaledJpegDecoder.decode(p, reduction));
        if (image.isPresent()) {
          return image;
        }
      }
      return DctScaledJpegDecoder.decode(bytes, reduction);
    } catch (OutOfMemoryError e) {
      throw tooLargeForMemory(name, e);
    }
  }

  private static byte[] read(Path file) throws ImageDecodeException {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException(Reason.VANISHED, file + ": file does not exist", e);
    } catch (AccessDeniedException e) {
      throw new ImageDecodeException(Reason.UNREADABLE, file + ": permission denied", e);
    } catch (IOException | OutOfMemoryError e) {
      throw new ImageDecodeException(
          Reason.UNREADABLE, file + ": cannot read file: " + describe(e), e);
    }
  }

  /**
   * Decodes an encoded image held in memory.
   *
   * @param bytes the encoded image
   * @param nameForMessages how to name the image in exception messages, e.g. its path
   * @return the decoded, upright image
   * @throws ImageDecodeException if the content is not a decodable image or is too large
   */
  public DecodedImage decode(byte[] bytes, String nameForMessages) throws ImageDecodeException {
    String name = nameOf(nameForMessages);
    detect(bytes, name);
    DecodedImage image;
    try {
      image = decodePixels(bytes, name);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      Reason reason = endsEarly(e) ? Reason.TRUNCATED : Reason.CORRUPT;
      throw new ImageDecodeException(reason, name + ": cannot decode image: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      throw tooLargeForMemory(name, e);
    }
    return orient(image, bytes);
  }

  private static String nameOf(String nameForMessages) {
    return nameForMessages == null ? "<image>" : nameForMessages;
  }

  /** Refuses empty input and recognised formats that cannot be decoded here. */
  private static ImageFormat detect(byte[] bytes, String name) throws ImageDecodeException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new ImageDecodeException(Reason.EMPTY, name + ": empty file (0 bytes)");
    }
    ImageFormat format = ImageFormat.detect(bytes);
    if (format.knownButUnsupported()) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_FORMAT, name + ": " + format + " images are not supported");
    }
    return format;
  }

  private DecodedImage orient(DecodedImage image, byte[] bytes) {
    return applyExifOrientation ? ExifOrientation.apply(image, ExifOrientation.read(bytes)) : image;
  }

  private static ImageDecodeException tooLargeForMemory(String name, OutOfMemoryError e) {
    return new ImageDecodeException(
        Reason.TOO_MANY_PIXELS, name + ": not enough memory to decode the image", e);
  }

  private static boolean endsEarly(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  private DecodedImage decodePixels(byte[] bytes, String name) throws IOException {
    List<ImageReader> readers;
    try (ImageInputStream probe = open(bytes)) {
      readers = readersFor(probe);
    }
    if (readers.isEmpty()) {
      throw new ImageDecodeException(Reason.NOT_AN_IMAGE, name + ": not a recognised image format");
    }
    try {
      for (ImageReader reader : readers) {
        try (ImageInputStream input = open(bytes)) {
          reader.setInput(input, true, true);
          checkSize(reader, name);
          if (canReadUnmanaged(reader)) {
            return read(reader, name);
          }
          // else, e.g. the JDK's reader on a CMYK JPEG: let TwelveMonkeys convert it
        }
      }
    } finally {
      readers.forEach(ImageReader::dispose);
    }
    throw new ImageDecodeException(
        Reason.UNSUPPORTED_FORMAT,
        name + ": unsupported image type (" + readers.get(0).getFormatName() + ")");
  }

  private static ImageInputStream open(byte[] bytes) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
  }

  private static List<ImageReader> readersFor(ImageInputStream input) {
    List<ImageReader> readers = new ArrayList<>();
    Iterator<ImageReader> it = ImageIO.getImageReaders(input);
    while (it.hasNext()) {
      ImageReader reader = it.next();
      // The JDK's libjpeg reader gives the raw converted samples without ICC colour
      // management; TwelveMonkeys (colour managed) only handles what it cannot read.
      if (reader.getClass().getName().equals(JDK_JPEG_READER)) {
        readers.add(0, reader);
      } else {
        readers.add(reader);
      }
    }
    return readers;
  }

  private void checkSize(ImageReader reader, String name) throws IOException {
    checkSize(reader.getWidth(0), reader.getHeight(0), name);
  }

  private void checkSize(int width, int height, String name) throws ImageDecodeException {
    if (width <= 0 || height <= 0) {
      throw new ImageDecodeException(
          Reason.CORRUPT, name + ": invalid image dimensions " + width + "x" + height);
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new ImageDecodeException(
          Reason.TOO_MANY_PIXELS,
          name
              + ": image is "
              + width
              + "x"
              + height
              + " = "
              + pixels
              + " pixels, more than the limit of "
              + maxPixels);
    }
  }

  private static DecodedImage read(ImageReader reader, String name) throws IOException {
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    reader.addIIOReadWarningListener(listener);
    ImageReadParam param = reader.getDefaultReadParam();
    if (reader.getClass().getName().equals(JDK_JPEG_READER)) {
      embeddedProfileType(reader).ifPresent(param::setDestinationType);
    }
    BufferedImage image = reader.read(0, param);
    for (String warning : warnings) {
      if (isTruncation(warning)) {
        throw new ImageDecodeException(
            Reason.TRUNCATED, name + ": image data is truncated (" + warning + ")");
      }
    }
    return RasterSamples.toDecodedImage(image);
  }

  /**
   * The JDK's JPEG reader offers its default type (sRGB, or grey) first and, when the file embeds
   * an ICC profile, a type in that profile's colour space after it. Reading into the default type
   * converts the samples from the embedded profile; reading into the profile's own type leaves
   * libjpeg's output untouched, which is what Pillow gives.
   */
  private static Optional<ImageTypeSpecifier> embeddedProfileType(ImageReader reader)
      throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    ImageTypeSpecifier first = types.next();
    int colorSpaceType = first.getColorModel().getColorSpace().getType();
    while (types.hasNext()) {
      ImageTypeSpecifier type = types.next();
      if (type.getNumBands() == first.getNumBands()
          && type.getColorModel().getColorSpace().getType() == colorSpaceType) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the reader can give this image's samples without colour conversion. The JDK's JPEG
   * reader cannot read CMYK/YCCK before Java 22 and, from then on, gives raw CMYK that Java2D
   * converts poorly; those images go to TwelveMonkeys, which converts them to RGB.
   */
  private static boolean canReadUnmanaged(ImageReader reader) throws IOException {
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (!types.hasNext()) {
      return false;
    }
    if (!reader.getClass().getName().equals(JDK_JPEG_READER)) {
      return true;
    }
    int colorSpaceType = types.next().getColorModel().getColorSpace().getType();
    return colorSpaceType == ColorSpace.TYPE_RGB || colorSpaceType == ColorSpace.TYPE_GRAY;
  }

  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(java.util.Locale.ROOT);
    return w.contains("premature end") || w.contains("truncat");
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? "no details from the decoder" : message;
  }
}
