package dev.glimpse.core.index;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a photo's header and EXIF say about it. Every value may be unknown: a width or height of 0
 * and an empty format mean the header could not be read.
 *
 * @param width displayed width in pixels (after the EXIF orientation), 0 if unknown
 * @param height displayed height in pixels (after the EXIF orientation), 0 if unknown
 * @param format lower-case container format ({@code jpeg}, {@code png}, {@code webp}, ...), empty
 *     if unknown
 * @param takenAt EXIF {@code DateTimeOriginal}; see {@link MetadataReader} for the time zone
 * @param cameraMake EXIF {@code Make}, trimmed
 * @param cameraModel EXIF {@code Model}, trimmed
 * @param gps EXIF GPS position
 * @param lens EXIF {@code LensModel}, trimmed (unknown in indexes written before it was read)
 * @param exifOrientation EXIF {@code Orientation}, 1 to 8, or 0 if the file has none (or the index
 *     was written before it was recorded)
 * @param words the keywords, descriptions and titles in the file's EXIF, IPTC and XMP; empty when
 *     they were never read (an image indexed before Glimpse extracted words)
 */
public record ImageMetadata(
    int width,
    int height,
    String format,
    Optional<Instant> takenAt,
    Optional<String> cameraMake,
    Optional<String> cameraModel,
    Optional<GeoPoint> gps,
    Optional<String> lens,
    int exifOrientation,
    Optional<PhotoWords> words) {

  /** Metadata with nothing known. */
  public static final ImageMetadata UNKNOWN =
      new ImageMetadata(
          0, 0, "", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** Validates the values. */
  public ImageMetadata {
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException(
          "width and height must not be negative, got " + width + "x" + height);
    }
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(cameraMake, "cameraMake");
    Objects.requireNonNull(cameraModel, "cameraModel");
    Objects.requireNonNull(gps, "gps");
    Objects.requireNonNull(lens, "lens");
    if (exifOrientation < 0 || exifOrientation > 8) {
      throw new IllegalArgumentException(
          "EXIF orientation must be 0 (none) or 1 to 8, got " + exifOrientation);
    }
    Objects.requireNonNull(words, "words");
  }

  /**
   * Metadata without lens and EXIF orientation (as indexes before they were recorded hold), whose
   * file carries no words ({@link PhotoWords#NONE}).
   */
  public ImageMetadata(
      int width,
      int height,
      String format,
      Optional<Instant> takenAt,
      Optional<String> cameraMake,
      Optional<String> cameraModel,
      Optional<GeoPoint> gps) {
    this(
        width,
        height,
        format,
        takenAt,
        cameraMake,
        cameraModel,
        gps,
        Optional.empty(),
        0,
        Optional.of(PhotoWords.NONE));
  }

  /** A copy with other words. */
  public ImageMetadata withWords(PhotoWords words) {
    return new ImageMetadata(
        width,
        height,
        format,
        takenAt,
        cameraMake,
        cameraModel,
        gps,
        lens,
        exifOrientation,
        Optional.of(words));
  }

  /**
   * The shape of the displayed image.
   *
   * @return the orientation, or empty when the size is unknown
   */
  public Optional<Orientation> orientation() {
    return Orientation.of(width, height);
  }
}
