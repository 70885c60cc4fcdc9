package dev.glimpse.core.tags;

import dev.glimpse.core.clip.ClipModel;
import dev.glimpse.core.clip.ModelFamily;
import dev.glimpse.core.clip.Vectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores an image vector against a vocabulary of concepts and keeps the confident ones as tags.
 * Concept embeddings are prompt-ensembled ({@link #TEMPLATES}: normalised, averaged, normalised
 * again), computed once when the tagger is built; tagging a photo is then one dot product per
 * concept.
 *
 * <p><b>Confidence.</b> For SigLIP the model's own per-pair probability {@code sigmoid(scale * cos
 * + bias)} is calibrated for one image and one text, so a tag is confident at {@code p >= 0.5}. A
 * CLIP model has no such bias and its softmax is relative to the other candidates, so each concept
 * is compared with a neutral prompt set ({@link #NEUTRAL}): {@code p = sigmoid(scale * (cos(c) -
 * cos(neutral)))}, the two-way softmax of the concept against "just a photo", confident at {@code p
 * >= 0.9} (a cosine margin of 0.022 at CLIP's scale 100). At most {@code maxTags} per image, most
 * probable first.
 */
public final class AutoTagger {
  /** Prompt templates of the ensemble. */
  public static final List<String> TEMPLATES =
      List.of("a photo of {}.", "a photo of a {}.", "a picture of {}.", "an image showing {}.");

  /** The neutral prompts a CLIP concept must beat. */
  public static final List<String> NEUTRAL =
      List.of("a photo.", "a picture.", "an image.", "a photo of something.");

  /** SigLIP's threshold on the per-pair probability. */
  public static final float SIGLIP_THRESHOLD = 0.5f;

  /** CLIP's threshold on the probability against the neutral prompts. */
  public static final float CLIP_THRESHOLD = 0.9f;

  /** Most tags per image. */
  public static final int MAX_TAGS = 8;

  private final List<String> concepts;
  private final float[][] embeddings;
  private final float[] neutral;
  private final float scale;
  private final float bias;
  private final boolean sigmoid;

  /** One tag and its probability under the rule. */
  public record Tag(String concept, float probability) {}

  private AutoTagger(
      List<String> concepts,
      float[][] embeddings,
      float[] neutral,
      float scale,
      float bias,
      ModelFamily family) {
    this.concepts = List.copyOf(concepts);
    this.embeddings = embeddings;
    this.neutral = neutral;
    this.scale = scale;
    this.bias = bias;
    this.sigmoid = family.sigmoid();
  }

  /**
   * Builds a tagger, encoding every concept's prompts (and for CLIP the neutral prompts) once.
   *
   * @param model the model whose vectors will be tagged
   * @param concepts the vocabulary, non-blank
   */
  public static AutoTagger create(ClipModel model, List<String> concepts) {
    if (concepts.isEmpty()) {
      throw new IllegalArgumentException("the tag vocabulary is empty");
    }
    float[][] e = new float[concepts.size()][];
    for (int i = 0; i < concepts.size(); i++) {
      String c = concepts.get(i).strip();
      if (c.isEmpty()) {
        throw new IllegalArgumentException("concept " + (i + 1) + " of the vocabulary is blank");
      }
      e[i] = ensemble(model, TEMPLATES.stream().map(t -> t.replace("{}", c)).toList());
    }
    float[] neutral = model.family().sigmoid() ? null : ensemble(model, NEUTRAL);
    return new AutoTagger(
        concepts, e, neutral, model.logitScale(), model.logitBias(), model.family());
  }

  /** The built-in vocabulary ({@code vocabulary.txt} in this package's resources). */
  public static List<String> builtInVocabulary() {
    try (InputStream in = AutoTagger.class.getResourceAsStream("vocabulary.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in tag vocabulary", e);
    }
  }

  /** The confident tags of a normalised image vector, most probable first. */
  public List<Tag> tags(float[] image) {
    float base = neutral == null ? 0 : Vectors.dot(image, neutral);
    List<Tag> out = new ArrayList<>();
    for (int i = 0; i < embeddings.length; i++) {
      float cos = Vectors.dot(image, embeddings[i]);
      float logit = sigmoid ? scale * cos + bias : scale * (cos - base);
      float p = (float) (1 / (1 + Math.exp(-logit)));
      if (p >= (sigmoid ? SIGLIP_THRESHOLD : CLIP_THRESHOLD)) {
        out.add(new Tag(concepts.get(i), p));
      }
    }
    out.sort(Comparator.comparingDouble(Tag::probability).reversed());
    return out.size() > MAX_TAGS ? List.copyOf(out.subList(0, MAX_TAGS)) : List.copyOf(out);
  }

  /** The vocabulary, in the order given. */
  public List<String> concepts() {
    return concepts;
  }

  private static float[] ensemble(ClipModel model, List<String> prompts) {
    float[][] rows = model.encodeTexts(prompts);
    float[] mean = new float[rows[0].length];
    for (float[] row : rows) {
      for (int d = 0; d < mean.length; d++) {
        mean[d] += row[d];
      }
    }
    return Vectors.normalize(mean);
  }
}
