package dev.glimpse.core.index;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rocchio relevance feedback on unit vectors: the refined query is {@code alpha * q + beta *
 * mean(positive) - gamma * mean(negative)}, then L2-normalised, where each mean is the plain
 * average of the judged images' stored (unit) vectors. With no query vector (feedback alone) the
 * {@code alpha} term is left out. The weights are SMART's classic ones (alpha 1, beta 0.75, gamma
 * 0.15) unless given: the query stays dominant, positives pull harder than negatives push, because
 * a negative says only what is wrong, not what is right.
 *
 * @param alpha weight of the original query, at least 0
 * @param beta weight of the positive centroid, at least 0
 * @param gamma weight of the negative centroid, at least 0
 */
public record RelevanceFeedback(double alpha, double beta, double gamma) {
  /** SMART's weights: alpha 1, beta 0.75, gamma 0.15. */
  public static final RelevanceFeedback ROCCHIO = new RelevanceFeedback(1.0, 0.75, 0.15);

  /** Validates the weights. */
  public RelevanceFeedback {
    if (!(alpha >= 0 && beta >= 0 && gamma >= 0)) {
      throw new IllegalArgumentException(
          "Rocchio weights must not be negative: alpha "
              + alpha
              + ", beta "
              + beta
              + ", gamma "
              + gamma);
    }
  }

  /**
   * The refined, L2-normalised query.
   *
   * @param query the normalised query vector, or empty for feedback alone
   * @param positives stored vectors of images marked relevant
   * @param negatives stored vectors of images marked not relevant
   * @return the refined query
   * @throws IllegalArgumentException if the vectors' dimensions differ, or if nothing is left to
   *     search for (no query and no positive, or the terms cancel out)
   */
  public float[] refine(Optional<float[]> query, List<float[]> positives, List<float[]> negatives) {
    Objects.requireNonNull(query, "query");
    if (query.isEmpty() && positives.isEmpty()) {
      throw new IllegalArgumentException(
          "relevance feedback needs a query or at least one positive image");
    }
    int dim = query.map(q -> q.length).orElseGet(() -> positives.get(0).length);
    double[] sum = new double[dim];
    query.ifPresent(q -> add(sum, List.of(q), alpha));
    add(sum, positives, beta);
    add(sum, negatives, -gamma);
    double norm = 0;
    for (double x : sum) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-6)) {
      throw new IllegalArgumentException("the feedback cancels the query out");
    }
    float[] out = new float[dim];
    for (int i = 0; i < dim; i++) {
      out[i] = (float) (sum[i] / norm);
    }
    return out;
  }

  /** Adds {@code weight} times the mean of {@code vectors}. */
  private static void add(double[] sum, List<float[]> vectors, double weight) {
    if (vectors.isEmpty()) {
      return;
    }
    double w = weight / vectors.size();
    for (float[] v : vectors) {
      if (v.length != sum.length) {
        throw new IllegalArgumentException(
            "feedback vector dimension " + v.length + " does not match " + sum.length);
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += w * v[i];
      }
    }
  }
}
