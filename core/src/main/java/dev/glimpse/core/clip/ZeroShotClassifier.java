package dev.glimpse.core.clip;

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
 * Zero-shot classification as in the CLIP paper: each label becomes one or more prompts, the
 * prompts' normalised text embeddings are averaged into a class embedding, and an image's scaled
 * cosine similarities to the classes go through a softmax. For SigLIP models the scaled cosine plus
 * the model's logit bias goes through a sigmoid instead: each label's probability is then the
 * model's own estimate that the image shows it, independent of the other labels (they need not sum
 * to 1, and all can be low).
 */
public final class ZeroShotClassifier {
  /** The default prompt of the CLIP paper. */
  public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

  private final List<String> labels;
  private final float[][] classEmbeddings;
  private final float logitScale;
  private final float logitBias;
  private final boolean sigmoid;

  /** One label and its probability. */
  public record Prediction(String label, float probability, float logit) {}

  private ZeroShotClassifier(
      List<String> labels,
      float[][] classEmbeddings,
      float logitScale,
      float logitBias,
      boolean sigmoid) {
    this.labels = List.copyOf(labels);
    this.classEmbeddings = classEmbeddings;
    this.logitScale = logitScale;
    this.logitBias = logitBias;
    this.sigmoid = sigmoid;
  }

  /**
   * Builds a classifier.
   *
   * @param templates prompts with a {@code {}} placeholder for the label; embeddings of a label's
   *     prompts are normalised, averaged and normalised again (OpenAI's prompt ensembling)
   */
  public static ZeroShotClassifier create(
      ClipModel model, List<String> labels, List<String> templates) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("no labels to classify with");
    }
    if (templates.isEmpty()) {
      throw new IllegalArgumentException("no prompt templates");
    }
    for (String t : templates) {
      if (!t.contains("{}")) {
        throw new IllegalArgumentException(
            "template '" + t + "' has no {} placeholder for the label");
      }
    }
    int dim = model.dimension();
    float[][] classes = new float[labels.size()][];
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i).strip();
      if (label.isEmpty()) {
        throw new IllegalArgumentException("label " + (i + 1) + " is empty");
      }
      List<String> prompts = new ArrayList<>(templates.size());
      for (String t : templates) {
        prompts.add(t.replace("{}", label));
      }
      float[][] e = model.encodeTexts(prompts);
      float[] mean = new float[dim];
      for (float[] row : e) {
        for (int d = 0; d < dim; d++) {
          mean[d] += row[d];
        }
      }
      classes[i] = Vectors.normalize(mean);
    }
    return new ZeroShotClassifier(
        labels, classes, model.logitScale(), model.logitBias(), model.family().sigmoid());
  }

  /** OpenAI's 80 ImageNet prompt templates, for {@code --ensemble}. */
  public static List<String> imagenetTemplates() {
    try (InputStream in =
            ZeroShotClassifier.class.getResourceAsStream(
                "/dev/glimpse/core/clip/imagenet-templates.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled ImageNet templates", e);
    }
  }

  /** Probabilities for a normalised image embedding, highest first. */
  public List<Prediction> classify(float[] imageEmbedding) {
    float[] logits =
        sigmoid
            ? ZeroShot.logits(imageEmbedding, classEmbeddings, logitScale, logitBias)
            : ZeroShot.logits(imageEmbedding, classEmbeddings, logitScale);
    float[] probs = sigmoid ? ZeroShot.sigmoid(logits) : ZeroShot.softmax(logits);
    List<Prediction> out = new ArrayList<>(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      out.add(new Prediction(labels.get(i), probs[i], logits[i]));
    }
    out.sort(Comparator.comparingDouble(Prediction::probability).reversed());
    return out;
  }

  /**
   * Whether probabilities are independent per label (SigLIP's sigmoid) rather than a softmax
   * distribution over the labels (CLIP).
   */
  public boolean independentProbabilities() {
    return sigmoid;
  }

  /** The labels, in the order given. */
  public List<String> labels() {
    return labels;
  }
}
