package dev.glimpse.core.relevance;

import dev.glimpse.core.index.ImageRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;

/**
 * The order of a page of hits. Date orders sort the relevant set (after the cut-off), so "newest
 * first" means the newest of the photos that match, not the newest photos. Every order ends in the
 * image id, so that equal dates and scores still page the same way on every request.
 */
public enum HitOrder {
  /** Best score first (the default). */
  RELEVANCE("relevance"),
  /** Newest first, by {@link #date}. */
  NEWEST("date"),
  /** Oldest first, by {@link #date}. */
  OLDEST("date-asc");

  private static final Comparator<LabelledHit> BY_SCORE =
      Comparator.comparingDouble((LabelledHit h) -> h.hit().score())
          .reversed()
          .thenComparing(h -> h.hit().record().id());

  private final String param;

  HitOrder(String param) {
    this.param = param;
  }

  /** The name in the API's {@code sort} parameter and the CLI's {@code --sort}. */
  public String param() {
    return param;
  }

  /**
   * The order with a parameter name.
   *
   * @param param {@code relevance}, {@code date} or {@code date-asc}
   * @return the order
   * @throws IllegalArgumentException naming the accepted values
   */
  public static HitOrder parse(String param) {
    for (HitOrder o : values()) {
      if (o.param.equals(param.strip().toLowerCase(Locale.ROOT))) {
        return o;
      }
    }
    throw new IllegalArgumentException(
        "sort must be relevance, date (newest first) or date-asc (oldest first), got '"
            + param
            + "'");
  }

  /**
   * When a photo was taken: its EXIF date, else its file's last-modified time (a scan or a copy
   * without EXIF has nothing better).
   */
  public static Instant date(ImageRecord record) {
    return record.metadata().takenAt().orElseGet(() -> Instant.ofEpochMilli(record.mtime()));
  }

  /** The comparator of this order. */
  public Comparator<LabelledHit> comparator() {
    return switch (this) {
      case RELEVANCE -> BY_SCORE;
      case NEWEST ->
          Comparator.comparing((LabelledHit h) -> date(h.hit().record()))
              .reversed()
              .thenComparing(BY_SCORE);
      case OLDEST ->
          Comparator.comparing((LabelledHit h) -> date(h.hit().record())).thenComparing(BY_SCORE);
    };
  }
}
