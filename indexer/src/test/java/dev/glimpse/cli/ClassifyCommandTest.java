package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  /**
   * With a template that is just the label, classify computes exactly the reference's
   * logits_per_image / softmax over those texts, so its probabilities must match golden probs.
   */
  @Test
  void probabilities_match_the_reference_softmax() throws Exception {
    Path dir = Cli.fixture("tiny-clip-openai");
    JsonNode golden = JSON.readTree(dir.resolve("golden.json").toFile());
    // Texts 0-2 of the goldens: "a photo of a dog", "a diagram", "a cat".
    Cli.Result r =
        Cli.run(
            env(),
            "classify",
            "--model",
            dir.toString(),
            "--precision",
            "fp32",
            dir.resolve("images/chelsea.png").toString(),
            "--labels",
            "a photo of a dog,a diagram,a cat",
            "--template",
            "{}",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode preds = JSON.readTree(r.out().lines().findFirst().orElseThrow()).get("predictions");
    double[] logits = new double[3];
    for (int j = 0; j < 3; j++) {
      logits[j] = golden.get("logits_per_image").get(0).get(j).asDouble();
    }
    double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    String[] labels = {"a photo of a dog", "a diagram", "a cat"};
    double total = 0;
    double previous = 1;
    for (JsonNode p : preds) {
      int j = java.util.Arrays.asList(labels).indexOf(p.get("label").asText());
      double expected = Math.exp(logits[j] - max) / sum;
      double actual = p.get("probability").asDouble();
      assertEquals(expected, actual, 5e-5, p.toString());
      assertTrue(actual <= previous, "sorted highest first");
      previous = actual;
      total += actual;
    }
    assertEquals(1.0, total, 1e-5);
  }

  @Test
  void ensemble_and_text_output_work() {
    Path dir = Cli.fixture("tiny-clip-hf");
    Cli.Result r =
        Cli.run(
            env(),
            "classify",
            "--model",
            dir.toString(),
            dir.resolve("images/coins.png").toString(),
            "--labels",
            "dog,cat,coins",
            "--ensemble",
            "--top",
            "2");
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().lines().toArray(String[]::new);
    assertEquals(3, lines.length, r.out());
    assertTrue(lines[0].endsWith("coins.png"));
    assertTrue(lines[1].matches("\\s+\\d+\\.\\d\\d%\\s+\\w+"), lines[1]);
  }

  @Test
  void template_without_placeholder_is_a_usage_error() {
    Path dir = Cli.fixture("tiny-clip-hf");
    Cli.Result r =
        Cli.run(
            env(),
            "classify",
            "--model",
            dir.toString(),
            dir.resolve("images/coins.png").toString(),
            "--labels",
            "dog",
            "--template",
            "a photo");
    assertEquals(2, r.exitCode());
  }
}
