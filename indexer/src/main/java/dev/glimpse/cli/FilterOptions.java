package dev.glimpse.cli;

import dev.glimpse.core.index.DuplicateThreshold;
import dev.glimpse.core.index.GeoBox;
import dev.glimpse.core.index.GeoCircle;
import dev.glimpse.core.index.LuceneVectorStore;
import dev.glimpse.core.index.MetadataFilter;
import dev.glimpse.core.index.NearDuplicates;
import dev.glimpse.core.index.Orientation;
import dev.glimpse.core.index.SearchFilter;
import dev.glimpse.core.search.HybridSearch;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The filters, paging and duplicate options shared by {@code glimpse search} and {@code similar}.
 */
final class FilterOptions {
  @Option(
      names = "--folder",
      paramLabel = "DIR",
      description = "Only photos in this folder or below.")
  Path folder;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description = "Only photos taken on or after (2024-05-01 or an ISO date-time).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description = "Only photos taken on or before (a date means the end of that day).")
  String to;

  @Option(
      names = "--camera",
      paramLabel = "NAME",
      description =
          "Only photos from this camera: make, model or both, any case (canon, \"Canon PowerShot S330\").")
  String camera;

  @Option(
      names = "--lens",
      paramLabel = "NAME",
      description = "Only photos taken with this lens (EXIF LensModel, any case).")
  String lens;

  @Option(
      names = "--near",
      paramLabel = "LAT,LON,KM",
      description = "Only photos taken within KM kilometres of a point.")
  String near;

  @Option(
      names = "--box",
      paramLabel = "S,W,N,E",
      description = "Only photos taken inside a latitude/longitude box.")
  String box;

  @Option(
      names = "--orientation",
      paramLabel = "SHAPE",
      description = "landscape, portrait or square.")
  String orientation;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      split = ",",
      description = "Only these file formats (jpeg,png,...).")
  List<String> formats = new ArrayList<>();

  @Option(
      names = "--min-size",
      paramLabel = "BYTES",
      description = "Only files of at least this many bytes.")
  Long minSize;

  @Option(
      names = "--max-size",
      paramLabel = "BYTES",
      description = "Only files of at most this many bytes.")
  Long maxSize;

  @Option(
      names = "--min-score",
      paramLabel = "SCORE",
      description = "Only hits scoring at least this cosine, -1 to 1.")
  Float minScore;

  @Option(
      names = "--offset",
      paramLabel = "N",
      defaultValue = "0",
      description = "Skip the first N results (paging).")
  int offset;

  @Option(
      names = "--no-collapse",
      description = "Show duplicates (same content or near-identical photos) as separate results.")
  boolean noCollapse;

  /** The filter, or a usage error naming the bad option. */
  SearchFilter filter() throws UsageException {
    try {
      MetadataFilter m = MetadataFilter.NONE;
      if (camera != null) {
        m = m.withCamera(camera);
      }
      if (lens != null) {
        m = m.withLens(lens);
      }
      if (near != null) {
        m = m.withNear(parse("--near", () -> GeoCircle.parse(near)));
      }
      if (box != null) {
        m = m.withBox(parse("--box", () -> GeoBox.parse(box)));
      }
      if (orientation != null) {
        m = m.withOrientation(parse("--orientation", () -> Orientation.parse(orientation)));
      }
      if (!formats.isEmpty()) {
        m = m.withFormats(Set.copyOf(formats));
      }
      if (minSize != null || maxSize != null) {
        m = m.withSizeBetween(minSize, maxSize);
      }
      return new SearchFilter(
          Optional.ofNullable(folder).map(f -> f.toAbsolutePath().normalize().toString()),
          Optional.ofNullable(from).map(s -> instant("--from", s, false)),
          Optional.ofNullable(to).map(s -> instant("--to", s, true)),
          Optional.ofNullable(minScore),
          m);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Checks the offset against the page size. */
  void checkPaging(int k) throws UsageException {
    if (offset < 0 || (long) offset + k > 10_000) {
      throw new UsageException("--offset must be 0 or more and -k + --offset at most 10000");
    }
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(String option, Parse<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static Instant instant(String option, String value, boolean endOfDay) {
    String v = value.strip();
    try {
      if (v.length() == 10) {
        LocalDate d = LocalDate.parse(v);
        return endOfDay
            ? d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1)
            : d.atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(v).toInstant();
      }
      return java.time.LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          option + ": not an ISO-8601 date or date-time (e.g. 2024-05-01), got '" + value + "'", e);
    }
  }

  /** How to collapse duplicates in {@code store}'s hits, or null with {@code --no-collapse}. */
  HybridSearch.Collapse collapse(LuceneVectorStore store) throws java.io.IOException {
    if (noCollapse) {
      return null;
    }
    return new HybridSearch.Collapse(
        new NearDuplicates(DuplicateThreshold.of(store.sampleVectors(DuplicateThreshold.SAMPLE))),
        id -> store.vector(id).orElse(null));
  }
}
