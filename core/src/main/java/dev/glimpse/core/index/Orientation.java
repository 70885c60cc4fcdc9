package dev.glimpse.core.index;

import java.util.Locale;
import java.util.Optional;

/**
 * The shape of a displayed photo, the way people filter by it. Computed from the displayed width
 * and height (after the EXIF orientation), so a portrait shot stored sideways is a portrait.
 */
public enum Orientation {
  /** Wider than tall. */
  LANDSCAPE,
  /** Taller than wide. */
  PORTRAIT,
  /** Width equals height. */
  SQUARE;

  /**
   * The orientation of a displayed size.
   *
   * @param width displayed width, 0 if unknown
   * @param height displayed height, 0 if unknown
   * @return the orientation, or empty when either side is unknown
   */
  public static Optional<Orientation> of(int width, int height) {
    if (width <= 0 || height <= 0) {
      return Optional.empty();
    }
    return Optional.of(width > height ? LANDSCAPE : width < height ? PORTRAIT : SQUARE);
  }

  /**
   * Parses a name, case-insensitively.
   *
   * @param name {@code landscape}, {@code portrait} or {@code square}
   * @return the orientation
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static Orientation parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "orientation must be landscape, portrait or square, got '" + name + "'", e);
    }
  }

  /** The lower-case name used in the index, the API and the CLI. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
