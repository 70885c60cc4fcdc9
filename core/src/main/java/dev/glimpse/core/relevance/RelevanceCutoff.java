package dev.glimpse.core.relevance;

import java.util.Arrays;

/**
 * Estimates, from one query's own scores over the index, where its relevant images end.
 *
 * <p>Most images of a collection are unrelated to any one query; their scores form the bulk of the
 * distribution (the <em>background</em>), and relevant images stand out in its upper tail. Where
 * the background lies depends on the model and on the query (CLIP cosines of unrelated images sit
 * near 0.2, SigLIP's near 0, and either moves from query to query), so nothing here assumes score
 * values: the background is located and scaled from the scores themselves, and every threshold is a
 * tail probability.
 *
 * <ol>
 *   <li><b>Background.</b> The centre is the median. The spread is the larger of the two semi
 *       interquartile ranges, {@code (q75 - q50)} and {@code (q50 - q25)}, divided by {@code
 *       0.6745} (the normal's): the upper one follows a right-skewed background, the lower one is
 *       untouched by the relevant images. A large relevant set still moves the quartiles (and so
 *       hides part of itself), so the images found strong are set aside and the quartiles taken
 *       again, until nothing changes. The spread is then matched once more near the top of what
 *       remains (at the score with 100 images above it), because the top of the background, not its
 *       middle, decides the e-values: a background with a longer upper tail than the normal
 *       (skewed, or with a cluster of near-topics) gets a wider scale there. Finally the scale is
 *       inflated by two standard errors of the quartile estimate ({@code 1.79 / sqrt(n)} relative,
 *       for n scores) so that a small index, whose spread is poorly known, does not call chance
 *       strong.
 *   <li><b>Tail.</b> A score's z-score against that background gives a normal upper-tail
 *       probability, and its e-value is that probability times the number of images searched: the
 *       number expected to score as high by chance. Multiplying by the population is what makes the
 *       test per query and per index: among 100,000 unrelated images a few score four standard
 *       deviations up, among 100 none do.
 *   <li><b>Labels.</b> {@link Relevance#STRONG} when the e-value is at most {@value #STRONG_E}: in
 *       an index without any relevant image, a strong hit then appears in about one query in fifty.
 *       {@link Relevance#WEAK} when the tail probability is at most {@value #WEAK_TAIL} and the
 *       e-value at most {@value #WEAK_E}: above the bulk, a handful of which are chance. Else
 *       {@link Relevance#BELOW}.
 * </ol>
 *
 * <p>Measured on synthetic score distributions with planted relevant sets by {@code glimpse bench
 * cutoff} (docs/benchmarks.md). Limits: a relevant set larger than about a tenth of the searched
 * images shifts the quartiles and loses recall; a background tail much heavier than the normal's
 * makes the e-values optimistic (a Student t with 10 degrees of freedom gives a strong hit in most
 * queries without any relevant image at 10,000 images and more).
 */
public final class RelevanceCutoff {
  /** Fewest scores a background is fitted to; with fewer every hit is {@link Relevance#WEAK}. */
  public static final int MIN_SAMPLE = 10;

  /** Largest e-value of a {@link Relevance#STRONG} hit. */
  public static final double STRONG_E = 0.02;

  /** Largest tail probability of a {@link Relevance#WEAK} hit (the top 1% of the background). */
  public static final double WEAK_TAIL = 0.01;

  /** Largest e-value of a {@link Relevance#WEAK} hit (a handful of chance hits at most). */
  public static final double WEAK_E = 10;

  /** The normal's upper quartile: a semi interquartile range over this is a standard deviation. */
  private static final double QUARTILE_Z = 0.6744897501960817;

  /**
   * Relative standard error of the semi interquartile scale times sqrt(n), for a normal sample:
   * sqrt(var(q75 - q50)) / 0.6745 = sqrt(1.463) / 0.6745.
   */
  private static final double SCALE_ERROR = 1.79;

  /** Background images above the quantile where the tail is matched. */
  private static final double TAIL_ANCHOR = 100;

  /** Most times the strong images are set aside and the quartiles taken again. */
  private static final int MAX_ROUNDS = 5;

  /** Standard errors the scale is inflated by. */
  private static final double SCALE_ERRORS = 2;

  private RelevanceCutoff() {}

  /**
   * Fits the background of one query.
   *
   * @param scores the query's scores of every searched image, or of a uniform sample of them; any
   *     order; not modified
   * @param population how many images the search covers, at least {@code scores.length}
   * @return the model
   * @throws IllegalArgumentException if a score is not finite or the population is smaller than the
   *     sample
   */
  public static RelevanceModel fit(float[] scores, long population) {
    if (population < scores.length) {
      throw new IllegalArgumentException(
          "population " + population + " is smaller than the " + scores.length + " scores");
    }
    if (scores.length < MIN_SAMPLE) {
      return RelevanceModel.unfitted(population, scores.length);
    }
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    if (!Float.isFinite(sorted[0]) || !Float.isFinite(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("scores must be finite");
    }
    int n = sorted.length;
    double inflation = 1 + SCALE_ERRORS * SCALE_ERROR / Math.sqrt(n);
    // Quartiles of what is not strong yet: a large relevant set moves the first quartiles and
    // hides part of itself, so it is set aside and the quartiles taken again until nothing moves.
    int background = n;
    Fit fit = quartiles(sorted, background);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int below =
          countBelow(sorted, background, model(fit, inflation, population, n).strongScore());
      if (below == background) {
        break;
      }
      background = below;
      fit = quartiles(sorted, background);
    }
    double scale = fit.spread();
    // The tail: the normal is matched again near the top of the background, where its shape
    // decides the e-values; a longer upper tail than the quartiles suggest widens the scale.
    if (background >= 4 * TAIL_ANCHOR) {
      double z = upperTailInverse(TAIL_ANCHOR / background);
      double anchor = quantile(sorted, background, 1 - TAIL_ANCHOR / background);
      scale = Math.max(scale, (anchor - fit.median()) / z);
    }
    return model(new Fit(fit.median(), scale), inflation, population, n);
  }

  /** A background's centre and spread. */
  private record Fit(double median, double spread) {}

  private static Fit quartiles(float[] sorted, int length) {
    double median = quantile(sorted, length, 0.5);
    double upper = (quantile(sorted, length, 0.75) - median) / QUARTILE_Z;
    double lower = (median - quantile(sorted, length, 0.25)) / QUARTILE_Z;
    double spread = Math.max(upper, lower);
    if (!(spread > 0)) {
      // Half the images or more score the same: any other score stands out, none is "chance".
      spread = Math.max(Math.ulp((float) Math.abs(median)), Float.MIN_NORMAL);
    }
    return new Fit(median, spread);
  }

  private static int countBelow(float[] sorted, int length, double threshold) {
    int i = length;
    while (i > 0 && sorted[i - 1] >= threshold) {
      i--;
    }
    return i;
  }

  private static RelevanceModel model(Fit fit, double inflation, long population, int n) {
    return model(fit.median(), fit.spread() * inflation, population, n);
  }

  private static RelevanceModel model(double median, double scale, long population, int n) {
    double zStrong = upperTailInverse(STRONG_E / population);
    double zWeak = upperTailInverse(Math.min(WEAK_TAIL, WEAK_E / population));
    double strongScore = median + zStrong * scale;
    double weakScore = Math.min(strongScore, median + zWeak * scale);
    return new RelevanceModel(true, median, scale, population, n, strongScore, weakScore);
  }

  static double quantile(float[] sorted, double p) {
    return quantile(sorted, sorted.length, p);
  }

  /** The p-quantile of sorted values, interpolated between neighbours. */
  static double quantile(float[] sorted, int length, double p) {
    double pos = p * (length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, length - 1);
    return sorted[i] + (pos - i) * ((double) sorted[j] - sorted[i]);
  }

  /** The standard normal's upper tail probability P(Z >= z). */
  static double upperTail(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /** The z with {@code upperTail(z) == p}, for p in (0, 1), by bisection (monotone, cheap). */
  static double upperTailInverse(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("tail probability must be in (0, 1), got " + p);
    }
    double lo = -40;
    double hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double mid = 0.5 * (lo + hi);
      if (upperTail(mid) > p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /**
   * The complementary error function, with a relative error below 1.2e-7 everywhere (Chebyshev fit,
   * Numerical Recipes' {@code erfcc}): the tails that e-values need stay accurate, unlike {@code 1
   * - erf}.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double r =
        t
            * Math.exp(
                -z * z
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851587
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? r : 2 - r;
  }
}
