package dev.glimpse.core.index;

import dev.glimpse.core.image.ImageDecoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The options that shape what an index holds, remembered in its commit data so that later runs
 * index the same way unless told otherwise.
 *
 * @param roots the photo folders indexed, absolute; in a store's answer, every root it records, in
 *     id order
 * @param includeHidden whether hidden files and folders are indexed
 * @param maxPixels images with more pixels are skipped
 */
public record IndexSettings(List<Path> roots, boolean includeHidden, long maxPixels) {
  /** The default pixel limit (the image decoder's). */
  public static final long DEFAULT_MAX_PIXELS = ImageDecoder.DEFAULT_MAX_PIXELS;

  static final String INCLUDE_HIDDEN = "includeHidden";
  static final String MAX_PIXELS = "maxPixels";

  /** Validates the values and makes the roots absolute. */
  public IndexSettings {
    roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
  }

  /** The defaults for a set of roots: no hidden files, the decoder's pixel limit. */
  public static IndexSettings defaults(List<Path> roots) {
    return new IndexSettings(roots, false, DEFAULT_MAX_PIXELS);
  }

  /** A copy with other roots. */
  public IndexSettings withRoots(List<Path> newRoots) {
    return new IndexSettings(newRoots, includeHidden, maxPixels);
  }

  /** The options other than the roots (which the index records as its roots), as strings. */
  Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(INCLUDE_HIDDEN, Boolean.toString(includeHidden));
    m.put(MAX_PIXELS, Long.toString(maxPixels));
    return m;
  }

  /** Reads {@link #toMap()} back; a missing value takes its default. */
  static IndexSettings fromMap(Map<String, String> map, List<Path> roots) {
    Objects.requireNonNull(map, "map");
    String hidden = map.getOrDefault(INCLUDE_HIDDEN, "false");
    if (!hidden.equals("true") && !hidden.equals("false")) {
      throw new IllegalArgumentException(INCLUDE_HIDDEN + " must be true or false, got " + hidden);
    }
    long pixels;
    try {
      pixels = Long.parseLong(map.getOrDefault(MAX_PIXELS, Long.toString(DEFAULT_MAX_PIXELS)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_PIXELS + " is not a number: " + map, e);
    }
    return new IndexSettings(roots, Boolean.parseBoolean(hidden), pixels);
  }
}
