package dev.glimpse.core.relevance;

/**
 * The background model of one query's scores and the thresholds derived from it (see {@link
 * RelevanceCutoff}). A score is judged by its z-score against the background and by its e-value,
 * the number of images of the searched set expected to score at least as high by chance.
 *
 * @param fitted false when too few images were scored to tell anything apart; every hit is then
 *     {@link Relevance#WEAK} and z-scores and e-values are NaN
 * @param location the background's centre (the median score)
 * @param scale the background's spread above the centre, in score units (inflated for small
 *     samples)
 * @param population how many images the search covers (the e-values are per this many)
 * @param sampleSize how many scores the model was fitted to ({@code population} when every image
 *     was scored)
 * @param strongScore the lowest {@link Relevance#STRONG} score
 * @param weakScore the lowest {@link Relevance#WEAK} score
 */
public record RelevanceModel(
    boolean fitted,
    double location,
    double scale,
    long population,
    int sampleSize,
    double strongScore,
    double weakScore) {

  /** Validates the values. */
  public RelevanceModel {
    if (population < 0 || sampleSize < 0) {
      throw new IllegalArgumentException(
          "population and sampleSize must not be negative, got " + population + ", " + sampleSize);
    }
    if (fitted && !(scale > 0)) {
      throw new IllegalArgumentException("scale must be positive, got " + scale);
    }
    if (fitted && !(weakScore <= strongScore)) {
      throw new IllegalArgumentException(
          "weakScore " + weakScore + " must not exceed strongScore " + strongScore);
    }
  }

  /** A model that judges nothing: too few images. */
  static RelevanceModel unfitted(long population, int sampleSize) {
    return new RelevanceModel(
        false,
        Double.NaN,
        Double.NaN,
        population,
        sampleSize,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY);
  }

  /** Background standard deviations above the background's centre; NaN if not fitted. */
  public double z(double score) {
    return fitted ? (score - location) / scale : Double.NaN;
  }

  /**
   * The expected number of searched images that score at least {@code score} by chance (the
   * background's upper tail probability times the population); NaN if not fitted. Below 1 a score
   * is rarer than anything the background should give.
   */
  public double eValue(double score) {
    return fitted ? population * RelevanceCutoff.upperTail(z(score)) : Double.NaN;
  }

  /** The label of a score. */
  public Relevance label(double score) {
    if (!fitted) {
      return Relevance.WEAK;
    }
    if (score >= strongScore) {
      return Relevance.STRONG;
    }
    return score >= weakScore ? Relevance.WEAK : Relevance.BELOW;
  }
}
