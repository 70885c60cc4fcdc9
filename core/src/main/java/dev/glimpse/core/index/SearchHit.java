package dev.glimpse.core.index;

import java.util.Objects;

/**
 * One search result.
 *
 * @param record the matching image
 * @param score cosine similarity between the query and the image vector, in [-1, 1] (higher is
 *     closer); approximate when the index is quantised
 */
public record SearchHit(ImageRecord record, float score) {

  /** Validates the values. */
  public SearchHit {
    Objects.requireNonNull(record, "record");
  }
}
