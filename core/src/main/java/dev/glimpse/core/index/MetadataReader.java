package dev.glimpse.core.index;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.lang.GeoLocation;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.file.FileTypeDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image's size, format and EXIF values without decoding its pixels.
 *
 * <ul>
 *   <li>Size and format come from the header, through the ImageIO reader for the format; the size
 *       is the displayed one, width and height swapped when the EXIF orientation (5 to 8) rotates
 *       the image by 90 degrees.
 *   <li>{@code takenAt} is EXIF {@code DateTimeOriginal}. With {@code OffsetTimeOriginal} present
 *       the local time is read at that offset; without it, the camera's local time is taken as if
 *       it were UTC, so the instant is off by the camera's time zone but the calendar date and
 *       clock time a user sees are the ones the camera recorded.
 *   <li>Camera make and model are EXIF {@code Make} and {@code Model}, the lens EXIF {@code
 *       LensModel}, trimmed; the EXIF {@code Orientation} is kept as recorded (1 to 8).
 *   <li>GPS is the EXIF GPS position; the position (0, 0), which cameras write when they have no
 *       fix, counts as absent.
 *   <li>Words (keywords, descriptions, titles) come from EXIF, IPTC and XMP; see {@link
 *       PhotoWords}.
 * </ul>
 *
 * <p>Never fails on bad content: a missing, malformed or unsupported value is left unknown, and a
 * file that is not an image gives {@link ImageMetadata#UNKNOWN}.
 */
public final class MetadataReader {
  private static final DateTimeFormatter EXIF_DATE =
      DateTimeFormatter.ofPattern("uuuu:MM:dd HH:mm:ss", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  private MetadataReader() {}

  /**
   * Reads the metadata of a file.
   *
   * @param file the image file
   * @return what could be read
   * @throws IOException if the file cannot be read at all (bad content does not throw)
   */
  public static ImageMetadata read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  /**
   * Reads the metadata of an image's bytes.
   *
   * @param bytes the file content
   * @return what could be read
   */
  public static ImageMetadata read(byte[] bytes) {
    Metadata exif = exif(bytes);
    Header header = header(bytes).orElse(new Header(0, 0, detectedFormat(exif)));
    int width = header.width();
    int height = header.height();
    if (rotatesQuarterTurn(exif)) {
      width = header.height();
      height = header.width();
    }
    ExifIFD0Directory ifd0 = exif.getFirstDirectoryOfType(ExifIFD0Directory.class);
    return new ImageMetadata(
        width,
        height,
        header.format(),
        takenAt(exif),
        text(ifd0, ExifDirectoryBase.TAG_MAKE),
        text(ifd0, ExifDirectoryBase.TAG_MODEL),
        gps(exif),
        text(
            exif.getFirstDirectoryOfType(ExifSubIFDDirectory.class),
            ExifDirectoryBase.TAG_LENS_MODEL),
        exifOrientation(exif),
        Optional.of(WordsReader.read(exif)));
  }

  private record Header(int width, int height, String format) {}

  private static Metadata exif(byte[] bytes) {
    try {
      return ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
    } catch (ImageProcessingException | IOException | RuntimeException e) {
      return new Metadata();
    }
  }

  private static Optional<Header> header(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      if (in == null) {
        return Optional.empty();
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return Optional.of(
            new Header(reader.getWidth(0), reader.getHeight(0), format(reader.getFormatName())));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String detectedFormat(Metadata exif) {
    FileTypeDirectory type = exif.getFirstDirectoryOfType(FileTypeDirectory.class);
    String name =
        type == null ? null : type.getString(FileTypeDirectory.TAG_DETECTED_FILE_TYPE_NAME);
    return name == null ? "" : format(name);
  }

  private static String format(String name) {
    String lower = name.trim().toLowerCase(Locale.ROOT);
    return switch (lower) {
      case "jpg" -> "jpeg";
      case "tif" -> "tiff";
      default -> lower;
    };
  }

  private static boolean rotatesQuarterTurn(Metadata exif) {
    int orientation = exifOrientation(exif);
    return orientation >= 5 && orientation <= 8;
  }

  /** The EXIF orientation, 1 to 8, or 0 when absent or out of range. */
  private static int exifOrientation(Metadata exif) {
    ExifIFD0Directory ifd0 = exif.getFirstDirectoryOfType(ExifIFD0Directory.class);
    Integer orientation = ifd0 == null ? null : ifd0.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
    return orientation != null && orientation >= 1 && orientation <= 8 ? orientation : 0;
  }

  private static Optional<Instant> takenAt(Metadata exif) {
    ExifSubIFDDirectory sub = exif.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    Optional<String> date = text(sub, ExifDirectoryBase.TAG_DATETIME_ORIGINAL);
    if (date.isEmpty() || date.get().length() < 19) {
      return Optional.empty();
    }
    try {
      LocalDateTime local = LocalDateTime.parse(date.get().substring(0, 19), EXIF_DATE);
      ZoneOffset offset =
          text(sub, ExifDirectoryBase.TAG_TIME_ZONE_ORIGINAL)
              .flatMap(MetadataReader::offset)
              .orElse(ZoneOffset.UTC);
      return Optional.of(local.toInstant(offset));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<ZoneOffset> offset(String text) {
    try {
      return Optional.of(ZoneOffset.of(text.trim()));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<GeoPoint> gps(Metadata exif) {
    try {
      GpsDirectory dir = exif.getFirstDirectoryOfType(GpsDirectory.class);
      GeoLocation location = dir == null ? null : dir.getGeoLocation();
      if (location == null || location.isZero()) {
        return Optional.empty();
      }
      return Optional.of(new GeoPoint(location.getLatitude(), location.getLongitude()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> text(Directory dir, int tag) {
    if (dir == null) {
      return Optional.empty();
    }
    String value = dir.getString(tag);
    if (value == null) {
      return Optional.empty();
    }
    String trimmed = value.replace('\0', ' ').trim();
    return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
  }
}
