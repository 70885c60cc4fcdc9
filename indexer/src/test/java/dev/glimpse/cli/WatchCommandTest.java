package dev.glimpse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.core.index.LuceneVectorStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code glimpse serve --watch} and {@code glimpse index --watch}, end to end. */
class WatchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("HF_HOME", tmp.resolve("hf").toString(), "HF_ENDPOINT", "http://127.0.0.1:9");
  }

  private static Path sample(String name) {
    return Path.of("..", "samples", "photos", name);
  }

  /** Polls a condition; the deadline is only a safety net against a hang. */
  private static void awaitTrue(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.call()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  @Test
  void serve_watch_makes_a_new_photo_searchable_and_drops_a_deleted_one() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos")).toRealPath();
    Files.copy(sample("plant-flower.jpg"), photos.resolve("flower.jpg"));
    Path index = tmp.resolve("index");
    Cli.Result indexed =
        Cli.run(
            env(),
            "index",
            photos.toString(),
            "--index",
            index.toString(),
            "--model",
            Cli.fixture("tiny-clip-hf").toString());
    assertEquals(0, indexed.exitCode(), indexed.err());

    ServeUnderTest server =
        ServeUnderTest.start(
            env(),
            "--index",
            index.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--watch",
            photos.toString(),
            "--watch-quiet-ms",
            "100",
            "--watch-max-wait-ms",
            "500");
    String base = server.base();
    HttpClient http = HttpClient.newHttpClient();
    try {
      assertEquals(Set.of(photos.resolve("flower.jpg").toString()), searchPaths(http, base));

      Path pizza = photos.resolve("pizza.jpg");
      Files.copy(sample("food-pizza.jpg"), pizza);
      awaitTrue(
          "the new photo in search", () -> searchPaths(http, base).contains(pizza.toString()));

      Files.delete(pizza);
      awaitTrue(
          "the deleted photo gone from search",
          () -> !searchPaths(http, base).contains(pizza.toString()));
      // not only hidden when served: the entry itself leaves the index
      awaitTrue("the deleted photo's entry removed", () -> images(http, base) == 1);
      assertEquals(Set.of(photos.resolve("flower.jpg").toString()), searchPaths(http, base));

      // modified: other content under the same path gets the other content's vector
      Path flower = photos.resolve("flower.jpg");
      double before = score(http, base, flower);
      Files.copy(sample("city-bridge-at-night.jpg"), flower, StandardCopyOption.REPLACE_EXISTING);
      awaitTrue(
          "the modified photo re-encoded",
          () -> {
            double now = score(http, base, flower);
            return !Double.isNaN(now) && now != before;
          });
      double modified = score(http, base, flower);

      // renamed: the new path, with the same vector, and the old path gone
      Path renamed = photos.resolve("bridge.jpg");
      Files.move(flower, renamed);
      awaitTrue(
          "the renamed photo under its new name",
          () ->
              searchPaths(http, base).equals(Set.of(renamed.toString()))
                  && images(http, base) == 1);
      assertEquals(modified, score(http, base, renamed), 1e-6, "a rename keeps the vector");
    } finally {
      server.close();
    }
    assertEquals(0, server.stop(), server.err());
  }

  private static int images(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "api/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("images").asInt();
  }

  /** The score of one photo for a fixed query, or NaN when it is not a hit. */
  private static double score(HttpClient http, String base, Path photo) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "api/search?q=a%20photo&k=50&cutoff=none"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    for (JsonNode hit : JSON.readTree(r.body()).get("results")) {
      if (hit.get("path").asText().equals(photo.toString())) {
        return hit.get("score").asDouble();
      }
    }
    return Double.NaN;
  }

  private static Set<String> searchPaths(HttpClient http, String base) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "api/search?q=a%20photo&k=50&cutoff=none"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    Set<String> paths = new HashSet<>();
    for (JsonNode hit : JSON.readTree(r.body()).get("results")) {
      paths.add(hit.get("path").asText());
    }
    return paths;
  }

  /**
   * A watching child JVM is killed with SIGKILL while it indexes a burst of new photos; started
   * again, it keeps what was committed and catches up, without duplicates. The burst arrives as one
   * folder moved in (one change, so one batch), and the child stops as that batch's third commit
   * begins (two commits of five behind it) and says so; the test kills it when it reads that.
   */
  @Test
  void index_watch_killed_mid_burst_catches_up_on_restart_without_loss_or_duplicates()
      throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos")).toRealPath();
    Path index = tmp.resolve("index");
    int total = 200;
    long afterKill;
    try (CliChild first =
        startWatching(List.of(CliChild.pauseAt("commit", 3)), photos, index, "first.log")) {
      first.awaitLine("watching 1 folder(s)");
      Path staging = Files.createDirectories(tmp.resolve("staging"));
      writeDistinctCopies(staging.resolve("burst"), total);
      Files.move(staging.resolve("burst"), photos.resolve("burst"));
      first.awaitLine(CliChild.PAUSED + "commit@3");
      assertEquals(137, first.kill(), "SIGKILL: " + first.log());
      afterKill = Cli.committedImages(index);
      assertEquals(10, afterKill, "killed mid-burst after two commits: " + first.log());
    }

    try (CliChild second = startWatching(List.of(), photos, index, "second.log")) {
      // The summary line comes before "watching": the catch-up run is done then.
      String summary = second.awaitLine(" indexed, ");
      second.awaitLine("watching 1 folder(s)");
      assertEquals(total, Cli.committedImages(index), second.log());
      Matcher run = Pattern.compile("(\\d+) indexed, (\\d+) unchanged").matcher(summary);
      assertTrue(run.find(), second.log());
      assertEquals(
          afterKill, Long.parseLong(run.group(2)), "committed photos are not encoded again");
      assertEquals(total - afterKill, Long.parseLong(run.group(1)), run.group());
      assertEquals(143, second.terminate(), "SIGTERM stops the watcher: " + second.log());
    }
    try (LuceneVectorStore store = IndexOption.openExisting(index)) {
      assertEquals(total, store.stats().images());
      assertEquals(total, store.filesUnder(photos).size(), "distinct paths");
    }
  }

  private CliChild startWatching(List<String> jvmOptions, Path photos, Path index, String log)
      throws IOException {
    return CliChild.start(
        jvmOptions,
        Map.of("HF_HOME", tmp.resolve("hf").toString()),
        tmp.resolve(log),
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
        "5",
        "--watch",
        "--watch-quiet-ms",
        "100",
        "--watch-max-wait-ms",
        "500");
  }

  /** Distinct JPEGs: bytes after the end marker make each copy new content that decodes alike. */
  private static void writeDistinctCopies(Path photos, int total) throws IOException {
    List<Path> jpegs;
    try (Stream<Path> files = Files.list(Path.of("..", "samples", "photos"))) {
      jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    for (int i = 0; i < total; i++) {
      byte[] base = Files.readAllBytes(jpegs.get(i % jpegs.size()));
      byte[] bytes = ByteBuffer.allocate(base.length + 4).put(base).putInt(i).array();
      Path folder = Files.createDirectories(photos.resolve("burst-" + (i % 4)));
      Files.write(folder.resolve("copy-" + i + ".jpg"), bytes);
    }
  }
}
