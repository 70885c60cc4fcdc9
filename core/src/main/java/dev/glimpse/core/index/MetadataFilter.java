package dev.glimpse.core.index;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Restrictions on what a photo's metadata says, applied inside the vector search like the folder
 * and date restrictions of {@link SearchFilter} (a Lucene pre-filter), so a narrow filter still
 * returns up to {@code k} matching photos. Every restriction given must hold; a photo whose value
 * is unknown does not match a restriction on that value.
 *
 * @param camera camera make, model, or "make model", compared case- and accent-insensitively as a
 *     whole ({@code canon} matches make Canon; {@code canon powershot s330} the model)
 * @param lens EXIF lens model, compared case- and accent-insensitively as a whole
 * @param near photos within a distance of a point
 * @param box photos inside a latitude/longitude rectangle
 * @param orientation the shape of the displayed photo
 * @param formats container formats ({@code jpeg}, {@code png}, ...); a photo matches any of them;
 *     empty for no restriction
 * @param minSize smallest file size in bytes, inclusive
 * @param maxSize largest file size in bytes, inclusive
 * @param excludeIds image ids never returned (the query photo of "more like this")
 */
public record MetadataFilter(
    Optional<String> camera,
    Optional<String> lens,
    Optional<GeoCircle> near,
    Optional<GeoBox> box,
    Optional<Orientation> orientation,
    Set<String> formats,
    Optional<Long> minSize,
    Optional<Long> maxSize,
    Set<String> excludeIds) {

  /** No restriction. */
  public static final MetadataFilter NONE =
      new MetadataFilter(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Set.of(),
          Optional.empty(),
          Optional.empty(),
          Set.of());

  /** Validates and normalises the values. */
  public MetadataFilter {
    Objects.requireNonNull(near, "near");
    Objects.requireNonNull(box, "box");
    Objects.requireNonNull(orientation, "orientation");
    camera = nonBlank(camera, "camera");
    lens = nonBlank(lens, "lens");
    TreeSet<String> normalised = new TreeSet<>();
    for (String f : Objects.requireNonNull(formats, "formats")) {
      normalised.add(format(f));
    }
    formats = Set.copyOf(normalised);
    excludeIds = Set.copyOf(Objects.requireNonNull(excludeIds, "excludeIds"));
    Objects.requireNonNull(minSize, "minSize")
        .ifPresent(s -> requireNotNegative(s, "minimum size"));
    Objects.requireNonNull(maxSize, "maxSize")
        .ifPresent(s -> requireNotNegative(s, "maximum size"));
    if (minSize.isPresent() && maxSize.isPresent() && minSize.get() > maxSize.get()) {
      throw new IllegalArgumentException(
          "minimum size " + minSize.get() + " is more than maximum size " + maxSize.get());
    }
  }

  /** Whether no restriction is set. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** A copy that keeps photos of a camera. */
  public MetadataFilter withCamera(String camera) {
    return new MetadataFilter(
        Optional.of(camera), lens, near, box, orientation, formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps photos taken with a lens. */
  public MetadataFilter withLens(String lens) {
    return new MetadataFilter(
        camera, Optional.of(lens), near, box, orientation, formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps photos within a circle. */
  public MetadataFilter withNear(GeoCircle near) {
    return new MetadataFilter(
        camera, lens, Optional.of(near), box, orientation, formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps photos inside a box. */
  public MetadataFilter withBox(GeoBox box) {
    return new MetadataFilter(
        camera, lens, near, Optional.of(box), orientation, formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps photos of an orientation. */
  public MetadataFilter withOrientation(Orientation orientation) {
    return new MetadataFilter(
        camera, lens, near, box, Optional.of(orientation), formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps photos in any of some formats. */
  public MetadataFilter withFormats(Set<String> formats) {
    return new MetadataFilter(
        camera, lens, near, box, orientation, formats, minSize, maxSize, excludeIds);
  }

  /** A copy that keeps files between two sizes in bytes; either may be null. */
  public MetadataFilter withSizeBetween(Long min, Long max) {
    return new MetadataFilter(
        camera,
        lens,
        near,
        box,
        orientation,
        formats,
        Optional.ofNullable(min),
        Optional.ofNullable(max),
        excludeIds);
  }

  /** A copy that never returns some image ids (besides those already excluded). */
  public MetadataFilter withExcludedIds(Set<String> ids) {
    Set<String> all = new TreeSet<>(excludeIds);
    all.addAll(ids);
    return new MetadataFilter(camera, lens, near, box, orientation, formats, minSize, maxSize, all);
  }

  /**
   * The canonical name of a format: lower case, {@code jpg} as {@code jpeg}, {@code tif} as {@code
   * tiff} (the names {@link MetadataReader} records).
   *
   * @param name a format name
   * @return the canonical name
   * @throws IllegalArgumentException if the name is blank
   */
  public static String format(String name) {
    String lower = name.strip().toLowerCase(Locale.ROOT);
    if (lower.isEmpty()) {
      throw new IllegalArgumentException("format must not be blank");
    }
    return switch (lower) {
      case "jpg" -> "jpeg";
      case "tif" -> "tiff";
      default -> lower;
    };
  }

  private static Optional<String> nonBlank(Optional<String> value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isPresent() && value.get().isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value.map(String::strip);
  }

  private static void requireNotNegative(long bytes, String what) {
    if (bytes < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + bytes);
    }
  }
}
