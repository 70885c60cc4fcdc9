package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glimpse bench serve} end to end on the tiny model: a small index, load runs of a fixed
 * number of requests.
 */
class ServeBenchCommandTest {
  @TempDir Path tmp;

  @Test
  void bench_serve_builds_an_index_measures_recall_and_load_and_prints_json() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    for (String n : new String[] {"food-pizza.jpg", "plant-flower.jpg"}) {
      Files.copy(Path.of("..", "samples", "photos", n), photos.resolve(n));
    }
    Cli.Result r =
        Cli.run(
            Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9"),
            "bench",
            "serve",
            "--model",
            Cli.fixture("tiny-clip-hf").toString(),
            "--index-dir",
            tmp.resolve("index").toString(),
            "--photos",
            photos.toString(),
            "--images",
            "300",
            "--clients",
            "2",
            "--requests",
            "12",
            "--warmup-seconds",
            "0",
            "--pool",
            "20",
            "--recall-queries",
            "6",
            "--candidates",
            "400",
            "--json");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals(300, json.get("index").get("images").asInt());
    assertEquals(2, json.get("index").get("realImages").asInt());
    assertEquals(12, json.get("requests").asInt());
    assertEquals(4, json.get("runs").size(), "pool and distinct, batching off and on");
    for (JsonNode run : json.get("runs")) {
      // a counted run measures exactly --requests, however busy the machine is
      assertEquals("closed loop", run.get("load").asText(), run.toString());
      assertEquals(12, run.get("requests").asLong(), run.toString());
      assertEquals(0, run.get("errors").asLong(), run.toString());
      if (run.get("queries").asText().equals("distinct")) {
        // a fresh server per run, no warm-up: each distinct query is a cache miss, encoded once
        assertEquals(12, run.get("textsEncoded").asLong(), run.toString());
        assertEquals(0.0, run.get("cacheHitRate").asDouble(), run.toString());
      } else {
        assertTrue(run.get("textsEncoded").asLong() <= 12, run.toString());
      }
    }
    JsonNode recall = json.get("recall").get("points").get(0);
    // 300 vectors and 400 candidates: HNSW visits every vector, so it is exact
    assertEquals(1.0, recall.get("meanRecall").asDouble(), 1e-9);
  }
}
