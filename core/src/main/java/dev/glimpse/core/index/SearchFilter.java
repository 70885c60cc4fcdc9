package dev.glimpse.core.index;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Restrictions on a vector search. Folder, date and metadata restrictions are applied inside the
 * approximate nearest-neighbour search, so a narrow filter still returns up to {@code k} matching
 * images; the score threshold is applied to the results.
 *
 * @param folder only images in this folder or any folder below it (absolute path)
 * @param takenFrom only images taken at or after this instant (EXIF date; images without one are
 *     excluded when either date bound is set)
 * @param takenTo only images taken at or before this instant
 * @param minScore only hits with a cosine score of at least this, in [-1, 1]
 * @param metadata camera, lens, place, orientation, format, size and excluded ids, applied inside
 *     the search like the folder and dates
 */
public record SearchFilter(
    Optional<String> folder,
    Optional<Instant> takenFrom,
    Optional<Instant> takenTo,
    Optional<Float> minScore,
    MetadataFilter metadata) {

  /** No restriction. */
  public static final SearchFilter NONE =
      new SearchFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** A filter without metadata restrictions. */
  public SearchFilter(
      Optional<String> folder,
      Optional<Instant> takenFrom,
      Optional<Instant> takenTo,
      Optional<Float> minScore) {
    this(folder, takenFrom, takenTo, minScore, MetadataFilter.NONE);
  }

  /** Validates the values and normalises the folder path. */
  public SearchFilter {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(takenFrom, "takenFrom");
    Objects.requireNonNull(takenTo, "takenTo");
    Objects.requireNonNull(minScore, "minScore");
    Objects.requireNonNull(metadata, "metadata");
    folder = folder.map(SearchFilter::normaliseFolder);
    if (takenFrom.isPresent() && takenTo.isPresent() && takenFrom.get().isAfter(takenTo.get())) {
      throw new IllegalArgumentException(
          "the start date " + takenFrom.get() + " is after the end date " + takenTo.get());
    }
    minScore.ifPresent(
        s -> {
          if (!(s >= -1f && s <= 1f)) {
            throw new IllegalArgumentException("the minimum score must be in [-1, 1], got " + s);
          }
        });
  }

  /**
   * Returns a copy restricted to a folder and its descendants.
   *
   * @param folder an absolute folder path
   * @return the new filter
   */
  public SearchFilter withFolder(String folder) {
    return new SearchFilter(Optional.of(folder), takenFrom, takenTo, minScore, metadata);
  }

  /**
   * Returns a copy restricted to images taken in {@code [from, to]}; either bound may be null.
   *
   * @param from earliest instant, inclusive, or null
   * @param to latest instant, inclusive, or null
   * @return the new filter
   */
  public SearchFilter withTakenBetween(Instant from, Instant to) {
    return new SearchFilter(
        folder, Optional.ofNullable(from), Optional.ofNullable(to), minScore, metadata);
  }

  /**
   * Returns a copy that drops hits scoring below a threshold.
   *
   * @param min the lowest cosine score kept, in [-1, 1]
   * @return the new filter
   */
  public SearchFilter withMinScore(float min) {
    return new SearchFilter(folder, takenFrom, takenTo, Optional.of(min), metadata);
  }

  /**
   * Returns a copy with other metadata restrictions.
   *
   * @param metadata the restrictions
   * @return the new filter
   */
  public SearchFilter withMetadata(MetadataFilter metadata) {
    return new SearchFilter(folder, takenFrom, takenTo, minScore, metadata);
  }

  private static String normaliseFolder(String folder) {
    if (folder.isBlank()) {
      throw new IllegalArgumentException("folder must not be blank");
    }
    Path path;
    try {
      path = Path.of(folder);
    } catch (java.nio.file.InvalidPathException e) {
      // The JDK's own text ("Nul character not allowed: ...") does not say which value it was.
      throw new IllegalArgumentException("folder is not a valid path: " + e.getReason(), e);
    }
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("folder must be an absolute path, got " + folder);
    }
    return path.normalize().toString();
  }
}
