package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SigLIP checkpoint through the CLI, end to end, against open_clip's reference outputs: raw text
 * to tokens to features, image files to pixels to features, the index, search and classify.
 */
class SiglipCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  /**
   * With the label as the whole prompt, classify's probabilities are the reference's sigmoid(scale
   * * cos + bias) for those texts: independent per label, not a softmax.
   */
  @Test
  void classify_gives_the_reference_sigmoid_probabilities() throws Exception {
    Path dir = Cli.fixture("tiny-siglip-openclip");
    JsonNode golden = JSON.readTree(dir.resolve("golden.json").toFile());
    List<String> labels = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      labels.add(golden.get("texts").get(t).get("text").asText());
    }
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
            String.join(",", labels),
            "--template",
            "{}",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode preds = JSON.readTree(r.out().lines().findFirst().orElseThrow()).get("predictions");
    assertEquals(3, preds.size());
    int image = indexOfImage(golden, "images/chelsea.png");
    double total = 0;
    for (JsonNode p : preds) {
      int t = labels.indexOf(p.get("label").asText());
      double expected = golden.get("probs_sigmoid").get(image).get(t).asDouble();
      assertEquals(expected, p.get("probability").asDouble(), 2e-5, p.toString());
      total += p.get("probability").asDouble();
    }
    double expectedTotal = 0;
    for (int t = 0; t < 3; t++) {
      expectedTotal += golden.get("probs_sigmoid").get(image).get(t).asDouble();
    }
    assertEquals(expectedTotal, total, 1e-4, "sigmoids do not sum to 1");
  }

  /**
   * Indexing the six fixture images and searching a golden text returns them in the reference's
   * order with the reference's cosines ((logit - bias) / scale), on both layouts.
   */
  @Test
  void index_and_search_rank_as_the_reference() throws Exception {
    for (String fixture : List.of("tiny-siglip-openclip", "tiny-siglip-hf")) {
      Path dir = Cli.fixture(fixture);
      JsonNode golden = JSON.readTree(dir.resolve("golden.json").toFile());
      Path photos = Files.createDirectories(tmp.resolve(fixture + "-photos"));
      try (Stream<Path> files = Files.list(dir.resolve("images"))) {
        for (Path f : files.toList()) {
          Files.copy(f, photos.resolve(f.getFileName()));
        }
      }
      Path index = tmp.resolve(fixture + "-index");
      Cli.Result r =
          Cli.run(
              env(),
              "index",
              photos.toString(),
              "--index",
              index.toString(),
              "--model",
              dir.toString(),
              "--precision",
              "fp32",
              "--json");
      assertEquals(0, r.exitCode(), r.err());
      assertEquals(6, JSON.readTree(r.out()).get("indexed").asInt(), r.out());

      Cli.Result status = Cli.run(env(), "status", "--index", index.toString(), "--json");
      assertEquals(0, status.exitCode(), status.err());
      assertEquals("siglip", JSON.readTree(status.out()).get("family").asText(), status.out());
      assertEquals(128, JSON.readTree(status.out()).get("dimension").asInt());

      // Text 3 is cased and punctuated: the query goes through SigLIP's cleaning and tokenizer.
      int text = 3;
      String query = golden.get("texts").get(text).get("text").asText();
      Cli.Result search =
          Cli.run(
              env(),
              "search",
              query,
              "--index",
              index.toString(),
              "-k",
              "6",
              "--precision",
              "fp32",
              // Every image, each on its own: chelsea_thumb.png is a downscaled chelsea.png.
              "--cutoff",
              "none",
              "--no-collapse",
              "--json");
      assertEquals(0, search.exitCode(), search.err());
      JsonNode results = JSON.readTree(search.out()).get("results");
      assertEquals(6, results.size(), search.out());
      float scale = (float) golden.get("logit_scale").asDouble();
      float bias = (float) golden.get("logit_bias").asDouble();
      List<Integer> expectedOrder = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        expectedOrder.add(i);
      }
      expectedOrder.sort(
          Comparator.comparingDouble(
              (Integer i) -> -golden.get("logits_per_image").get(i).get(text).asDouble()));
      for (int rank = 5; rank >= 0; rank--) {
        JsonNode hit = results.get(rank);
        int i = expectedOrder.get(rank);
        String file = golden.get("images").get(i).get("file").asText();
        assertEquals(
            Path.of(file).getFileName().toString(),
            Path.of(hit.get("path").asText()).getFileName().toString(),
            fixture + " rank " + rank + ": " + search.out());
        double cosine = (golden.get("logits_per_image").get(i).get(text).asDouble() - bias) / scale;
        System.out.printf(
            Locale.ROOT, "%s %s %.7f %.7f%n", fixture, file, cosine, hit.get("score").asDouble());
        // PNGs are decoded exactly; JPEGs take the indexer's DCT-scaled fast decode, which skips
        // detail a 64 px input cannot show (pixels differ slightly from the full decode).
        double bound = file.endsWith(".png") ? 1e-5 : 2e-3;
        assertEquals(cosine, hit.get("score").asDouble(), bound, fixture + " " + hit);
      }
    }
  }

  private static int indexOfImage(JsonNode golden, String file) {
    for (int i = 0; i < golden.get("images").size(); i++) {
      if (golden.get("images").get(i).get("file").asText().equals(file)) {
        return i;
      }
    }
    throw new AssertionError(file + " is not in the goldens");
  }
}
