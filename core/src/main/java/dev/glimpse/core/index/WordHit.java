package dev.glimpse.core.index;

import java.util.Objects;
import java.util.Set;

/**
 * One result of a keyword search ({@link VectorStore#searchWords}).
 *
 * @param record the matching image
 * @param score its BM25 score for the query (higher matches better; comparable within one query
 *     only)
 * @param matched the sources whose words matched, at least one
 */
public record WordHit(ImageRecord record, float score, Set<WordSource> matched) {

  /** Validates and copies the values. */
  public WordHit {
    Objects.requireNonNull(record, "record");
    matched = Set.copyOf(matched);
  }
}
