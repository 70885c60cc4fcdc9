package dev.glimpse.core.relevance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cut-off on synthetic score distributions: a normal background of unrelated images, in the
 * score ranges of CLIP (centre 0.21, spread 0.025) and SigLIP (-0.04, 0.012), with planted relevant
 * sets of several sizes and separations, or none. Random draws are seeded; the tolerances are the
 * acceptance bars of issue 12 (precision and recall of strong at least 0.9 for clearly separated
 * sets, "no good match" in at least 90% of queries without one).
 */
class RelevanceCutoffTest {
  private static final double CLIP_CENTRE = 0.21;
  private static final double CLIP_SPREAD = 0.025;
  private static final double SIGLIP_CENTRE = -0.04;
  private static final double SIGLIP_SPREAD = 0.012;

  /** n background scores; the first {@code planted} replaced by scores {@code sep} SDs up. */
  private static float[] scores(
      Random r, int n, int planted, double sep, double centre, double spread) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      double x = i < planted ? sep + r.nextGaussian() : r.nextGaussian();
      s[i] = (float) (centre + spread * x);
    }
    return s;
  }

  @ParameterizedTest(name = "{0} images, {1} planted {2} SD up, {3}")
  @CsvSource({
    "1000, 1, 8, clip",
    "1000, 20, 8, siglip",
    "10000, 5, 8, clip",
    "10000, 300, 10, siglip",
    "50000, 50, 8, clip",
    "50000, 1000, 10, siglip",
    "200, 3, 10, clip"
  })
  void clearly_separated_planted_sets_are_strong_and_the_background_is_not(
      int n, int planted, double sep, String model) {
    boolean clip = model.equals("clip");
    Random r = new Random(n * 31L + planted);
    long tp = 0;
    long fp = 0;
    long total = 0;
    for (int trial = 0; trial < 5; trial++) {
      float[] s =
          scores(
              r,
              n,
              planted,
              sep,
              clip ? CLIP_CENTRE : SIGLIP_CENTRE,
              clip ? CLIP_SPREAD : SIGLIP_SPREAD);
      RelevanceModel m = RelevanceCutoff.fit(s, n);
      for (int i = 0; i < n; i++) {
        if (m.label(s[i]) == Relevance.STRONG) {
          if (i < planted) {
            tp++;
          } else {
            fp++;
          }
        }
      }
      total += planted;
    }
    double precision = tp / (double) (tp + fp);
    double recall = tp / (double) total;
    assertTrue(precision >= 0.9, "precision " + precision);
    assertTrue(recall >= 0.9, "recall " + recall);
  }

  @ParameterizedTest(name = "{0} images, {1}")
  @CsvSource({"100, clip", "1000, siglip", "10000, clip", "100000, siglip"})
  void a_background_without_planted_images_is_no_good_match_in_nine_queries_of_ten(
      int n, String model) {
    boolean clip = model.equals("clip");
    Random r = new Random(n);
    int queries = 40;
    int noGoodMatch = 0;
    for (int q = 0; q < queries; q++) {
      float[] s =
          scores(
              r, n, 0, 0, clip ? CLIP_CENTRE : SIGLIP_CENTRE, clip ? CLIP_SPREAD : SIGLIP_SPREAD);
      RelevanceModel m = RelevanceCutoff.fit(s, n);
      boolean anyStrong = false;
      for (float x : s) {
        anyStrong |= m.label(x) == Relevance.STRONG;
      }
      noGoodMatch += anyStrong ? 0 : 1;
    }
    assertTrue(noGoodMatch >= 0.9 * queries, noGoodMatch + " of " + queries);
  }

  @Test
  void planted_sets_barely_above_the_bulk_are_weak_not_strong() {
    Random r = new Random(7);
    float[] s = scores(r, 10_000, 30, 3.5, CLIP_CENTRE, CLIP_SPREAD);
    RelevanceModel m = RelevanceCutoff.fit(s, s.length);
    int strong = 0;
    int weak = 0;
    for (int i = 0; i < 30; i++) {
      Relevance l = m.label(s[i]);
      strong += l == Relevance.STRONG ? 1 : 0;
      weak += l == Relevance.WEAK ? 1 : 0;
    }
    assertTrue(strong < 10, strong + " of 30 strong");
    assertTrue(weak >= 10, weak + " of 30 weak");
  }

  @Test
  void labels_do_not_depend_on_where_the_scores_lie() {
    // The same distribution mapped onto CLIP's and SigLIP's ranges is judged the same.
    Random r = new Random(3);
    int n = 5000;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i < 12 ? 7 + r.nextGaussian() : r.nextGaussian();
    }
    float[] clip = new float[n];
    float[] siglip = new float[n];
    for (int i = 0; i < n; i++) {
      clip[i] = (float) (CLIP_CENTRE + CLIP_SPREAD * x[i]);
      siglip[i] = (float) (SIGLIP_CENTRE + SIGLIP_SPREAD * x[i]);
    }
    RelevanceModel a = RelevanceCutoff.fit(clip, n);
    RelevanceModel b = RelevanceCutoff.fit(siglip, n);
    int differ = 0;
    for (int i = 0; i < n; i++) {
      differ += a.label(clip[i]) == b.label(siglip[i]) ? 0 : 1;
      // float rounding of the two mappings moves z by well under 0.01
      assertEquals(a.z(clip[i]), b.z(siglip[i]), 0.01, "image " + i);
    }
    assertTrue(differ <= 1, differ + " labels differ");
  }

  @Test
  void the_e_value_is_the_expected_count_of_background_images_that_high() {
    // A perfectly normal background, as quantiles: about 1 image of 1000 lies above z = 3.09.
    int n = 1000;
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) -RelevanceCutoff.upperTailInverse((i + 0.5) / n);
    }
    RelevanceModel m = RelevanceCutoff.fit(s, n);
    assertEquals(0.0, m.location(), 1e-3);
    double z = m.z(3.0902);
    // The scale is inflated by 1 + 3.58 / sqrt(1000) = 1.113 over the true 1.
    assertEquals(3.0902 / 1.113, z, 0.02);
    assertEquals(n * RelevanceCutoff.upperTail(z), m.eValue(3.0902), 1e-9);
    assertTrue(m.eValue(m.strongScore()) <= RelevanceCutoff.STRONG_E * 1.0001);
  }

  @Test
  void the_population_raises_the_bar_when_scores_are_a_sample() {
    Random r = new Random(11);
    float[] s = scores(r, 20_000, 0, 0, CLIP_CENTRE, CLIP_SPREAD);
    RelevanceModel whole = RelevanceCutoff.fit(s, s.length);
    RelevanceModel sampled = RelevanceCutoff.fit(s, 1_000_000);
    assertTrue(sampled.strongScore() > whole.strongScore());
    assertEquals(1_000_000, sampled.population());
    assertEquals(20_000, sampled.sampleSize());
  }

  @Test
  void too_few_images_are_not_judged() {
    RelevanceModel m = RelevanceCutoff.fit(new float[] {0.1f, 0.2f, 0.9f}, 3);
    assertFalse(m.fitted());
    assertEquals(Relevance.WEAK, m.label(0.9));
    assertTrue(Double.isNaN(m.z(0.9)));
    assertTrue(Double.isNaN(m.eValue(0.9)));
  }

  @Test
  void identical_scores_are_all_below_and_one_outlier_is_strong() {
    float[] s = new float[50];
    java.util.Arrays.fill(s, 0.3f);
    s[0] = 0.5f;
    RelevanceModel m = RelevanceCutoff.fit(s, s.length);
    assertEquals(Relevance.BELOW, m.label(0.3));
    assertEquals(Relevance.STRONG, m.label(0.5));
  }

  @Test
  void bad_input_is_refused_with_the_values() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RelevanceCutoff.fit(new float[20], 5));
    assertTrue(e.getMessage().contains("population 5"), e.getMessage());
    float[] nan = new float[20];
    nan[3] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> RelevanceCutoff.fit(nan, 20));
  }

  @Test
  void the_tail_functions_match_the_normal_distribution() {
    // Reference values of the standard normal's upper tail (Abramowitz & Stegun table 26.1).
    assertEquals(0.5, RelevanceCutoff.upperTail(0), 1e-7);
    assertEquals(0.022750131948, RelevanceCutoff.upperTail(2), 1e-8);
    assertEquals(2.866515718e-7, RelevanceCutoff.upperTail(5), 2.866515718e-7 * 1e-5);
    assertEquals(1.959963985, RelevanceCutoff.upperTailInverse(0.025), 1e-6);
  }
}
