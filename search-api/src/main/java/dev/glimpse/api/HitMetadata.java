package dev.glimpse.api;

import dev.glimpse.core.index.ImageMetadata;
import dev.glimpse.core.index.ImageRecord;
import dev.glimpse.core.index.Orientation;

/**
 * What the index knows of a hit's file, in every search result; unknown values are null.
 *
 * @param cameraMake EXIF Make
 * @param cameraModel EXIF Model
 * @param lens EXIF LensModel
 * @param gps EXIF GPS position
 * @param orientation landscape, portrait or square, from the displayed size
 * @param exifOrientation the EXIF Orientation tag, 1 to 8
 * @param format container format, lower case
 * @param sizeBytes file size
 * @param width displayed width in pixels
 * @param height displayed height in pixels
 * @param takenAt EXIF DateTimeOriginal, ISO-8601
 */
record HitMetadata(
    String cameraMake,
    String cameraModel,
    String lens,
    Gps gps,
    String orientation,
    Integer exifOrientation,
    String format,
    long sizeBytes,
    Integer width,
    Integer height,
    String takenAt) {

  /** A GPS position in degrees. */
  record Gps(double lat, double lon) {}

  static HitMetadata of(ImageRecord r) {
    ImageMetadata m = r.metadata();
    return new HitMetadata(
        m.cameraMake().orElse(null),
        m.cameraModel().orElse(null),
        m.lens().orElse(null),
        m.gps().map(g -> new Gps(g.latitude(), g.longitude())).orElse(null),
        m.orientation().map(Orientation::key).orElse(null),
        m.exifOrientation() == 0 ? null : m.exifOrientation(),
        m.format().isEmpty() ? null : m.format(),
        r.size(),
        m.width() == 0 ? null : m.width(),
        m.height() == 0 ? null : m.height(),
        m.takenAt().map(Object::toString).orElse(null));
  }
}
