package dev.glimpse.core.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.core.clip.ClipCheckpoint;
import dev.glimpse.core.clip.ClipModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The confidence rule of both families, recomputed here from the model's text embeddings and the
 * documented formula, on the fixture models.
 */
class AutoTaggerTest {
  private static final List<String> CONCEPTS = List.of("beach", "cat", "pizza", "bridge", "snow");

  private static ClipModel load(String fixture) throws Exception {
    return ClipModel.load(
        ClipCheckpoint.open(
            Path.of(AutoTaggerTest.class.getResource("/fixtures/" + fixture).toURI())));
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  private static float[] mean(float[][] rows) {
    float[] m = new float[rows[0].length];
    for (float[] r : rows) {
      for (int i = 0; i < m.length; i++) {
        m[i] += r[i] / rows.length;
      }
    }
    return unit(m);
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @ParameterizedTest
  // SigLIP is left out until the spine tokenizes SigLIP text (encodeTexts uses the CLIP
  // tokenizer, whose ids exceed the SigLIP fixture's vocabulary of 1000).
  @ValueSource(strings = {"tiny-clip-hf", "tiny-clip-openai"})
  void tags_follow_the_documented_rule_of_the_family(String fixture) throws Exception {
    try (ClipModel model = load(fixture)) {
      AutoTagger tagger = AutoTagger.create(model, CONCEPTS);
      boolean siglip = model.family().sigmoid();
      float[][] concepts = new float[CONCEPTS.size()][];
      for (int c = 0; c < CONCEPTS.size(); c++) {
        String name = CONCEPTS.get(c);
        concepts[c] =
            mean(
                model.encodeTexts(
                    List.of(
                        "a photo of " + name + ".",
                        "a photo of a " + name + ".",
                        "a picture of " + name + ".",
                        "an image showing " + name + ".")));
      }
      float[] neutral =
          mean(
              model.encodeTexts(
                  List.of("a photo.", "a picture.", "an image.", "a photo of something.")));
      Random random = new Random(12);
      List<float[]> images = new ArrayList<>(List.of(concepts));
      for (int i = 0; i < 40; i++) {
        float[] v = new float[model.dimension()];
        for (int d = 0; d < v.length; d++) {
          v[d] = (float) random.nextGaussian();
        }
        // Mix a concept direction in, so that some vectors are near a concept and some are not.
        float[] c = concepts[i % concepts.length];
        float w = (i % 4) * 0.2f;
        for (int d = 0; d < v.length; d++) {
          v[d] = w * c[d] + (1 - w) * v[d] / (float) Math.sqrt(v.length);
        }
        images.add(unit(v));
      }
      int tagged = 0;
      int untagged = 0;
      for (float[] image : images) {
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < concepts.length; c++) {
          double logit =
              siglip
                  ? model.logitScale() * dot(image, concepts[c]) + model.logitBias()
                  : model.logitScale() * (dot(image, concepts[c]) - dot(image, neutral));
          double p = 1 / (1 + Math.exp(-logit));
          if (p >= (siglip ? 0.5 : 0.9)) {
            expected.add(CONCEPTS.get(c));
          }
        }
        List<String> got = tagger.tags(image).stream().map(AutoTagger.Tag::concept).toList();
        assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList());
        if (got.isEmpty()) {
          untagged++;
        } else {
          tagged++;
        }
      }
      assertTrue(tagged > 0 && untagged > 0, "tagged " + tagged + ", untagged " + untagged);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-siglip-openclip"})
  void built_in_vocabulary_is_a_list_of_distinct_concepts(String unused) {
    List<String> v = AutoTagger.builtInVocabulary();
    assertTrue(v.size() >= 90, "size " + v.size());
    assertEquals(v.size(), v.stream().distinct().count());
    assertFalse(v.stream().anyMatch(s -> s.startsWith("#") || s.isBlank()));
  }
}
