package dev.glimpse.core.relevance;

import dev.glimpse.core.index.SearchHit;
import java.util.Objects;

/**
 * A hit with its relevance.
 *
 * @param hit the hit
 * @param relevance its label
 * @param z background standard deviations above the background's centre (NaN when the model could
 *     not be fitted)
 * @param eValue images of the searched set expected to score this high by chance (NaN when the
 *     model could not be fitted)
 */
public record LabelledHit(SearchHit hit, Relevance relevance, double z, double eValue) {

  /** Validates the values. */
  public LabelledHit {
    Objects.requireNonNull(hit, "hit");
    Objects.requireNonNull(relevance, "relevance");
  }

  /** Labels a hit with a model. */
  public static LabelledHit of(SearchHit hit, RelevanceModel model) {
    return new LabelledHit(
        hit, model.label(hit.score()), model.z(hit.score()), model.eValue(hit.score()));
  }
}
