package dev.glimpse.core.search;

import dev.glimpse.core.clip.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Excluded concepts ({@code dog -leash}) and the zero-shot test that finds the images showing them.
 * CLIP does not understand "no leash", and subtracting the text vector of "leash" only moves the
 * query; instead each candidate image is asked whether it shows the concept.
 *
 * <p>The concept's prompts ({@link #CONCEPT_TEMPLATES}) are embedded and averaged (prompt
 * ensembling, as {@code classify} does), and so is a neutral prompt set ({@link #NEUTRAL}). An
 * image's margin is {@code cos(image, concept) - cos(image, neutral)}: how much more it looks like
 * "a photo of a leash" than like "a photo". Margins have no fixed scale across models, so the
 * threshold comes from the candidates of the query themselves: an image is excluded when its margin
 * is an outlier above the bulk, more than {@value #OUTLIER_Z} robust standard deviations (1.4826 *
 * MAD) above the median, and at least {@value #MIN_MARGIN}. When most candidates show the concept,
 * only the clearest are caught: the test finds the few, not the many.
 *
 * <p>Images whose words contain an excluded word or phrase are excluded too; that part is done by
 * the keyword search ({@link HybridSearch}).
 */
public final class Exclusion {
  /** Prompts of an excluded concept; {@code {}} is the concept. */
  public static final List<String> CONCEPT_TEMPLATES =
      List.of("a photo of {}.", "a photo of a {}.", "a photo with {} in it.", "a picture of {}.");

  /** The neutral prompts a concept's prompts are compared against. */
  public static final List<String> NEUTRAL =
      List.of(
          "a photo.",
          "a picture.",
          "an image.",
          "a photo of something.",
          "a photo of an object.",
          "a photo of a scene.");

  /** Robust z-score above the candidates' median margin from which an image is excluded. */
  public static final double OUTLIER_Z = 3.0;

  /** The smallest margin that excludes, whatever the candidates' spread. */
  public static final double MIN_MARGIN = 0.02;

  /** No exclusion. */
  public static final Exclusion NONE = new Exclusion(List.of(), List.of());

  private final List<String> texts;
  private final List<float[]> directions;

  private Exclusion(List<String> texts, List<float[]> directions) {
    this.texts = List.copyOf(texts);
    this.directions = List.copyOf(directions);
  }

  /**
   * Builds the exclusion of some words or phrases.
   *
   * @param texts the excluded words and phrases, not blank
   * @param encoder embeds texts into L2-normalised vectors (the query's model)
   * @return the exclusion
   */
  public static Exclusion of(List<String> texts, Function<List<String>, float[][]> encoder) {
    Objects.requireNonNull(encoder, "encoder");
    if (texts.isEmpty()) {
      return NONE;
    }
    float[] neutral = mean(encoder.apply(NEUTRAL));
    List<float[]> directions = new ArrayList<>();
    for (String text : texts) {
      String t = text.strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("an excluded text is empty");
      }
      List<String> prompts = new ArrayList<>();
      for (String template : CONCEPT_TEMPLATES) {
        prompts.add(template.replace("{}", t));
      }
      float[] concept = mean(encoder.apply(prompts));
      float[] d = new float[concept.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = concept[i] - neutral[i];
      }
      directions.add(d);
    }
    return new Exclusion(texts.stream().map(String::strip).toList(), directions);
  }

  /** The excluded words and phrases. */
  public List<String> texts() {
    return texts;
  }

  /** Whether nothing is excluded. */
  public boolean isEmpty() {
    return texts.isEmpty();
  }

  /**
   * Which candidates show an excluded concept.
   *
   * @param vectors the candidates' L2-normalised image vectors
   * @return for each candidate, whether its margin for some concept is an outlier
   */
  public boolean[] shows(List<float[]> vectors) {
    boolean[] out = new boolean[vectors.size()];
    if (vectors.isEmpty()) {
      return out;
    }
    for (float[] d : directions) {
      double[] margins = new double[vectors.size()];
      for (int i = 0; i < margins.length; i++) {
        // cos(image, concept) - cos(image, neutral) = image . (concept - neutral)
        margins[i] = Vectors.dot(vectors.get(i), d);
      }
      double threshold = threshold(margins);
      for (int i = 0; i < margins.length; i++) {
        out[i] |= margins[i] >= threshold;
      }
    }
    return out;
  }

  /** The margin from which a candidate is excluded: an outlier above the bulk. */
  static double threshold(double[] margins) {
    double median = median(margins.clone());
    double[] deviations = new double[margins.length];
    for (int i = 0; i < margins.length; i++) {
      deviations[i] = Math.abs(margins[i] - median);
    }
    double sigma = 1.4826 * median(deviations);
    return Math.max(MIN_MARGIN, median + OUTLIER_Z * sigma);
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static float[] mean(float[][] rows) {
    float[] mean = new float[rows[0].length];
    for (float[] row : rows) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += row[i];
      }
    }
    return Vectors.normalize(mean);
  }
}
