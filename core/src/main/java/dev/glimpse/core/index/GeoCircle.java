package dev.glimpse.core.index;

import java.util.Objects;

/**
 * The photos within a distance of a point, as {@code near=LAT,LON,KM} asks for.
 *
 * @param center the centre
 * @param km the radius in kilometres, more than 0 and at most half the Earth's circumference
 */
public record GeoCircle(GeoPoint center, double km) {
  /** Half the Earth's circumference: every point is within this of every other. */
  public static final double MAX_KM = 20_038;

  /** Validates the radius. */
  public GeoCircle {
    Objects.requireNonNull(center, "center");
    if (!(km > 0 && km <= MAX_KM)) {
      throw new IllegalArgumentException(
          "radius must be more than 0 and at most " + MAX_KM + " km, got " + km);
    }
  }

  /**
   * Parses {@code LAT,LON,KM}, e.g. {@code 48.8584,2.2945,5}.
   *
   * @param text the value
   * @return the circle
   * @throws IllegalArgumentException naming what is wrong
   */
  public static GeoCircle parse(String text) {
    double[] v = GeoBox.numbers(text, 3, "LAT,LON,KM");
    return new GeoCircle(new GeoPoint(v[0], v[1]), v[2]);
  }
}
