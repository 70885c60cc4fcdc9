package dev.glimpse.core.index;

/**
 * The photos inside a latitude/longitude rectangle. A box whose west edge is east of its east edge
 * crosses the antimeridian (180 degrees).
 *
 * @param south southern edge, degrees, in [-90, 90]
 * @param west western edge, degrees, in [-180, 180]
 * @param north northern edge, at least {@code south}
 * @param east eastern edge, in [-180, 180]
 */
public record GeoBox(double south, double west, double north, double east) {

  /** Validates the edges. */
  public GeoBox {
    new GeoPoint(south, west);
    new GeoPoint(north, east);
    if (south > north) {
      throw new IllegalArgumentException(
          "box south edge " + south + " is north of its north edge " + north);
    }
  }

  /** Whether the box crosses the antimeridian. */
  public boolean crossesAntimeridian() {
    return west > east;
  }

  /**
   * Parses {@code SOUTH,WEST,NORTH,EAST} (min latitude, min longitude, max latitude, max
   * longitude), e.g. {@code 48.8,2.2,48.9,2.4}.
   *
   * @param text the value
   * @return the box
   * @throws IllegalArgumentException naming what is wrong
   */
  public static GeoBox parse(String text) {
    double[] v = numbers(text, 4, "SOUTH,WEST,NORTH,EAST");
    return new GeoBox(v[0], v[1], v[2], v[3]);
  }

  static double[] numbers(String text, int count, String shape) {
    String[] parts = text.strip().split("\\s*,\\s*", -1);
    if (parts.length != count) {
      throw new IllegalArgumentException("expected " + shape + ", got '" + text + "'");
    }
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      try {
        out[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "expected " + shape + " with numbers, got '" + text + "'", e);
      }
      if (!Double.isFinite(out[i])) {
        throw new IllegalArgumentException("expected finite numbers in " + shape + ", got " + text);
      }
    }
    return out;
  }
}
