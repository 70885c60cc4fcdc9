package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glimpse index / search / status} end to end, with the tiny fixture model. */
class IndexCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static Path samples() {
    return Path.of("..", "samples", "photos").toAbsolutePath().normalize();
  }

  private Path copySamples(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(samples())) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  @Test
  void index_then_search_and_status_report_the_same_index() throws Exception {
    Path photos = copySamples(tmp.resolve("photos"));
    Files.writeString(photos.resolve("readme.txt"), "not a photo");
    Path index = tmp.resolve("index");
    String model = Cli.fixture("tiny-clip-hf").toString();
    Cli.Result r =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            model,
            "--precision",
            "fp32",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode summary = JSON.readTree(r.out());
    assertEquals(30, summary.get("indexed").asInt(), r.out());
    assertEquals(0, summary.get("unchanged").asInt());
    assertEquals(0, summary.get("reused").asInt());
    assertEquals(0, summary.get("removed").asInt());
    assertEquals(1, summary.get("skipped").get("not-an-image").asInt(), r.out());
    assertEquals("not-an-image", summary.get("skippedFiles").get(0).get("reason").asText());
    assertTrue(summary.get("encoder").asText().endsWith(" fp32"), r.out()); // --precision fp32
    assertTrue(summary.get("skippedFiles").get(0).get("path").asText().endsWith("readme.txt"));

    Cli.Result again =
        Cli.run(env(), "index", photos.toString(), "--index", index.toString(), "--json");
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(
        30, JSON.readTree(again.out()).get("unchanged").asInt(), "the index's own model is reused");

    Cli.Result status = Cli.run(env(), "status", "--index", index.toString(), "--json");
    assertEquals(0, status.exitCode(), status.err());
    JsonNode st = JSON.readTree(status.out());
    assertEquals(30, st.get("images").asInt());
    assertEquals(32, st.get("dimension").asInt());
    // The last run used the default precision: bf16 on oneDNN, or fp32 where the CPU lacks bf16.
    assertTrue(
        st.get("encoder").asText().matches("onednn bf16|(onednn|onnxruntime|djl-pytorch) fp32"),
        st.toString());
    assertEquals(model, st.get("model").asText());
    assertTrue(st.get("sizeBytes").asLong() > 0);

    // Exact precision: the pinned order and score below are float32's.
    Cli.Result search =
        Cli.run(
            env(),
            "search",
            "a cat",
            "--index",
            index.toString(),
            "-k",
            "5",
            "--precision",
            "fp32",
            "--cutoff",
            "none",
            "--no-words",
            "--json");
    assertEquals(0, search.exitCode(), search.err());
    JsonNode results = JSON.readTree(search.out()).get("results");
    assertEquals(5, results.size());
    double previous = 2;
    for (JsonNode hit : results) {
      assertTrue(hit.get("score").asDouble() <= previous);
      previous = hit.get("score").asDouble();
      assertTrue(hit.get("path").asText().startsWith(photos.toString()));
    }
    // Pinned: the fixture model is random, so the order means nothing about cats, but any change
    // in tokenization, encoding, preprocessing, decoding or search shows up here.
    List<String> top = new ArrayList<>();
    results.forEach(h -> top.add(Path.of(h.get("path").asText()).getFileName().toString()));
    assertEquals(
        List.of(
            "vehicle-rocket-launch.jpg",
            "sign-clock-on-building.jpg",
            "city-street-traffic.jpg",
            "food-broccoli-dish.jpg",
            "city-bridge-at-night.jpg"),
        top);
    assertEquals(0.3417, results.get(0).get("score").asDouble(), 5e-4);
    // HNSW returns what exact search over every stored vector returns.
    try (LuceneVectorStore store = IndexOption.openExisting(index);
        var m =
            dev.glimpse.core.clip.ClipModel.load(
                dev.glimpse.core.clip.ClipCheckpoint.open(Path.of(model)))) {
      float[] q = m.encodeTexts(List.of("a cat"))[0];
      List<Map.Entry<String, Double>> exact = new ArrayList<>();
      for (String p : store.filesUnder(photos).keySet()) {
        String id = store.getByPath(p).orElseThrow().id();
        float[] v = store.vector(id).orElseThrow();
        double dot = 0;
        for (int i = 0; i < v.length; i++) {
          dot += q[i] * v[i];
        }
        exact.add(Map.entry(Path.of(p).getFileName().toString(), dot));
      }
      exact.sort(Map.Entry.<String, Double>comparingByValue().reversed());
      assertEquals(top, exact.subList(0, 5).stream().map(Map.Entry::getKey).toList());
    }
    // The same query twice gives the same answer.
    String[] repeat = {
      "search",
      "a cat",
      "--index",
      index.toString(),
      "-k",
      "5",
      "--precision",
      "fp32",
      "--cutoff",
      "none",
      "--no-words",
      "--json"
    };
    assertEquals(search.out(), Cli.run(env(), repeat).out());
    // The default precision (bf16 where the CPU has it) ranks these five the same way; scores move
    // by about 5e-4, well inside the gaps between them here.
    JsonNode fast =
        JSON.readTree(
                Cli.run(
                        env(),
                        "search",
                        "a cat",
                        "--index",
                        index.toString(),
                        "-k",
                        "5",
                        "--cutoff",
                        "none",
                        "--no-words",
                        "--json")
                    .out())
            .get("results");
    List<String> fastTop = new ArrayList<>();
    fast.forEach(h -> fastTop.add(Path.of(h.get("path").asText()).getFileName().toString()));
    assertEquals(top, fastTop);
    assertEquals(0.3417, fast.get(0).get("score").asDouble(), 3e-3);

    // With words (the default) the photos named for cats come first, saying so; an exclusion in
    // the query and one as an option leave out those that carry the word.
    JsonNode hybrid =
        JSON.readTree(
            Cli.run(env(), "search", "a cat", "--index", index.toString(), "-k", "3", "--json")
                .out());
    for (JsonNode hit : hybrid.get("results")) {
      assertTrue(hit.get("path").asText().contains("cat"), hybrid.toString());
      assertTrue(hit.get("matched").toString().contains("filename"), hybrid.toString());
    }
    for (String[] args :
        List.of(
            new String[] {"search", "cat -eating", "--index", index.toString(), "--json"},
            new String[] {
              "search", "cat", "--exclude", "eating", "--index", index.toString(), "--json"
            })) {
      Cli.Result excl = Cli.run(env(), args);
      assertEquals(0, excl.exitCode(), excl.err());
      JsonNode page = JSON.readTree(excl.out());
      assertFalse(page.toString().contains("animal-cat-eating.jpg"), page.toString());
      assertTrue(page.get("excluded").asInt() >= 1, page.toString());
    }
    Cli.Result text =
        Cli.run(env(), "search", "cat -eating", "--index", index.toString(), "-k", "3");
    assertTrue(text.out().contains("(filename)"), text.out());
    assertTrue(text.err().contains("excluded"), text.err());
    Cli.Result arithmetic =
        Cli.run(
            env(),
            "search",
            "a cat",
            "--add",
            "a dog",
            "--subtract",
            "grass",
            "--weight",
            "subtract=1",
            "--no-words",
            "--index",
            index.toString(),
            "-k",
            "5",
            "--json");
    assertEquals(0, arithmetic.exitCode(), arithmetic.err());
    assertFalse(
        JSON.readTree(arithmetic.out()).get("results").equals(fast), "the query vector moved");
    assertEquals(
        2,
        Cli.run(env(), "search", "--index", index.toString(), "--", "-cat").exitCode(),
        "only exclusions is a usage error");
    assertEquals(
        2,
        Cli.run(env(), "search", "cat", "--weight", "image=1", "--index", index.toString())
            .exitCode());
  }

  @Test
  void another_model_is_refused_without_reindex() throws Exception {
    Path photos = tmp.resolve("photos");
    Files.createDirectories(photos);
    Files.copy(samples().resolve("food-pizza.jpg"), photos.resolve("pizza.jpg"));
    Path index = tmp.resolve("index");
    String hf = Cli.fixture("tiny-clip-hf").toString();
    String openai = Cli.fixture("tiny-clip-openai").toString();
    assertEquals(
        0,
        Cli.run(env(), "index", photos.toString(), "--index", index.toString(), "--model", hf)
            .exitCode());
    Cli.Result refused =
        Cli.run(env(), "index", photos.toString(), "--index", index.toString(), "--model", openai);
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains("--reindex"), refused.err());
    Cli.Result reindexed =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            openai,
            "--reindex",
            "--json");
    assertEquals(0, reindexed.exitCode(), reindexed.err());
    assertEquals(1, JSON.readTree(reindexed.out()).get("indexed").asInt());
    Cli.Result status = Cli.run(env(), "status", "--index", index.toString(), "--json");
    assertEquals(openai, JSON.readTree(status.out()).get("model").asText());
  }

  @Test
  void search_without_an_index_says_how_to_make_one() {
    Cli.Result r = Cli.run(env(), "search", "a cat", "--index", tmp.resolve("none").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("glimpse index"), r.err());
  }

  @Test
  void missing_folder_is_a_usage_error() {
    Cli.Result r =
        Cli.run(
            env(), "index", tmp.resolve("nope").toString(), "--index", tmp.resolve("i").toString());
    assertEquals(2, r.exitCode());
  }

  /**
   * A child JVM is killed with SIGKILL in the middle of a run; the next run keeps every committed
   * image and finishes without duplicates. The child stops as its third commit begins (two commits
   * of two images behind it, two more written but uncommitted) and says so; the test kills it when
   * it reads that line, so the instant does not depend on the machine's speed.
   */
  @Test
  void kill_9_mid_run_then_resume_loses_nothing_and_duplicates_nothing() throws Exception {
    Path photos = copySamples(tmp.resolve("photos"));
    Path index = tmp.resolve("index");
    long afterKill;
    try (CliChild child =
        CliChild.start(
            List.of(CliChild.pauseAt("commit", 3)),
            Map.of("HF_HOME", tmp.resolve("hf").toString()),
            tmp.resolve("child.log"),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            Cli.fixture("tiny-clip-hf").toString(),
            "--batch",
            "1",
            "--threads",
            "1",
            "--commit-every",
            "2")) {
      child.awaitLine(CliChild.PAUSED + "commit@3");
      assertEquals(137, child.kill(), "SIGKILL: " + child.log());
      afterKill = Cli.committedImages(index);
      assertEquals(4, afterKill, "two commits of two images each: " + child.log());
    }

    Cli.Result resumed =
        Cli.run(env(), "index", photos.toString(), "--index", index.toString(), "--json");
    assertEquals(0, resumed.exitCode(), resumed.err());
    JsonNode s = JSON.readTree(resumed.out());
    assertEquals(afterKill, s.get("unchanged").asLong(), "committed images are not encoded again");
    assertEquals(30 - afterKill, s.get("indexed").asLong());
    try (LuceneVectorStore store = IndexOption.openExisting(index)) {
      assertEquals(30, store.stats().images());
      Set<String> paths = new HashSet<>(store.filesUnder(photos).keySet());
      assertEquals(30, paths.size(), "no duplicates");
    }
  }
}
