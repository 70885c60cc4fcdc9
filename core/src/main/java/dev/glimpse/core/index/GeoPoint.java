package dev.glimpse.core.index;

/**
 * A position on the WGS 84 ellipsoid, as recorded in EXIF GPS tags.
 *
 * @param latitude degrees north, in [-90, 90]
 * @param longitude degrees east, in [-180, 180]
 */
public record GeoPoint(double latitude, double longitude) {

  /** Validates the ranges. */
  public GeoPoint {
    if (!(latitude >= -90 && latitude <= 90)) {
      throw new IllegalArgumentException("latitude must be in [-90, 90], got " + latitude);
    }
    if (!(longitude >= -180 && longitude <= 180)) {
      throw new IllegalArgumentException("longitude must be in [-180, 180], got " + longitude);
    }
  }
}
