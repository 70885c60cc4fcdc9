package dev.glimpse.core.index;

import java.util.Objects;

/**
 * One query's scores over the searched images, for judging how its best hits compare with the rest
 * ({@link dev.glimpse.core.relevance.RelevanceCutoff}).
 *
 * @param scores cosine scores, in no particular order: of every searched image, or of a uniform
 *     sample of them when the index is too large to score every image per query; approximate (int8
 *     dot products, off by a few thousandths at most) when every image was scored
 * @param population how many images the search covers (those passing the filter's folder and date
 *     restrictions; its minimum score is not applied)
 */
public record ScoreSample(float[] scores, long population) {

  /** No images. */
  public static final ScoreSample EMPTY = new ScoreSample(new float[0], 0);

  /** Validates the values. */
  public ScoreSample {
    Objects.requireNonNull(scores, "scores");
    if (population < scores.length) {
      throw new IllegalArgumentException(
          "population " + population + " is smaller than the " + scores.length + " scores");
    }
  }

  /** Whether every searched image was scored. */
  public boolean exhaustive() {
    return scores.length == population;
  }
}
